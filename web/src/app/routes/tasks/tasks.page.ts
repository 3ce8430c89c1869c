import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ComingSoonComponent } from '../../shared/coming-soon.component';

/** Task centre (placeholder). */
@Component({
  selector: 'pd-tasks-page',
  imports: [ComingSoonComponent],
  template: `<pd-coming-soon title="nav.tasks" scope="soon.tasks" icon="schedule" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TasksPage {}
