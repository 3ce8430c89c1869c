import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ComingSoonComponent } from '../../shared/coming-soon.component';

/** Virtual machines (placeholder until the VM API lands). */
@Component({
  selector: 'pd-vms-page',
  imports: [ComingSoonComponent],
  template: `<pd-coming-soon title="nav.vms" scope="soon.vms" icon="desktop" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmsPage {}
