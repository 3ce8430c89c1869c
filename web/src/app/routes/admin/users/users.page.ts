import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ComingSoonComponent } from '../../../shared/coming-soon.component';

/** User administration (placeholder). */
@Component({
  selector: 'pd-users-page',
  imports: [ComingSoonComponent],
  template: `<pd-coming-soon title="nav.users" scope="soon.users" icon="user" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsersPage {}
