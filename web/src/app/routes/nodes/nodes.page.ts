import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ComingSoonComponent } from '../../shared/coming-soon.component';

/** Hypervisor hosts (placeholder until the nodes API lands). */
@Component({
  selector: 'pd-nodes-page',
  imports: [ComingSoonComponent],
  template: `<pd-coming-soon title="nav.nodes" scope="soon.nodes" icon="cluster" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NodesPage {}
