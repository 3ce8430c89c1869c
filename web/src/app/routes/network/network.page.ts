import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ComingSoonComponent } from '../../shared/coming-soon.component';

/** Networks (placeholder). */
@Component({
  selector: 'pd-network-page',
  imports: [ComingSoonComponent],
  template: `<pd-coming-soon title="nav.network" scope="soon.network" icon="apartment" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NetworkPage {}
