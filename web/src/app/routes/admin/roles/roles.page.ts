import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ComingSoonComponent } from '../../../shared/coming-soon.component';

/** Role administration (placeholder). */
@Component({
  selector: 'pd-roles-page',
  imports: [ComingSoonComponent],
  template: `<pd-coming-soon title="nav.roles" scope="soon.roles" icon="safety-certificate" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RolesPage {}
