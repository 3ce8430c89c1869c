import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { VmViewComponent } from './vm-view.component';

/**
 * `/vms/:id?tab=…`. The router reuses this component when only `:id` changes (e.g. going to a
 * clone's page), so the VM view is keyed by the id: a new id gets a new view, store and console,
 * and the old one's live subscriptions and sockets are torn down with it.
 */
@Component({
  selector: 'pd-vm-detail-page',
  imports: [VmViewComponent],
  template: `
    @for (vmId of ids(); track vmId) {
      <pd-vm-view [vmId]="vmId" [tab]="tab()" />
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmDetailPage {
  /** Route parameter and query parameter, bound by the router. */
  readonly id = input.required<string>();
  readonly tab = input<string | undefined>();
  protected readonly ids = computed(() => [this.id()]);
}
