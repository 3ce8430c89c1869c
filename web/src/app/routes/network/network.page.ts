import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { Network } from '@paddock/protocol/api/networks';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzTabsModule } from 'ng-zorro-antd/tabs';
import { CanDirective } from '../../shared/can.directive';
import { PageHeaderComponent } from '../../shared/page-header.component';
import { TranslatePipe } from '../../shared/translate.pipe';
import { CreateNetworkDialog } from './create-network.dialog';
import { NetworkListComponent } from './network-list.component';
import { NetworkStore } from './network.store';
import { TopologyComponent } from './topology/topology.component';

const TABS = ['list', 'topology'] as const;
type Tab = (typeof TABS)[number];

/** `/network?tab=list|topology`: the networks VMs attach to, and how nodes, bridges and VMs connect. */
@Component({
  selector: 'pd-network-page',
  imports: [
    CanDirective,
    CreateNetworkDialog,
    NetworkListComponent,
    NzButtonModule,
    NzIconModule,
    NzTabsModule,
    PageHeaderComponent,
    TopologyComponent,
    TranslatePipe,
  ],
  providers: [NetworkStore],
  template: `
    <pd-page-header [title]="'nav.network' | t">
      <div class="actions">
        <!-- The topology has its own refresh; this one reloads the list. -->
        @if (tabIndex() === 0) {
          <button nz-button type="button" id="network-refresh" [attr.aria-label]="'common.refresh' | t" (click)="store.load()">
            <nz-icon nzType="reload" />
          </button>
        }
        <button *pdCan="'networks:create'" nz-button nzType="primary" type="button" id="create-network" (click)="creating.set(true)">
          <nz-icon nzType="plus" />
          {{ 'network.create' | t }}
        </button>
      </div>
    </pd-page-header>

    <nz-tabs [nzSelectedIndex]="tabIndex()" (nzSelectedIndexChange)="select($event)" [nzAnimated]="false">
      <nz-tab [nzTitle]="listTitle">
        <ng-template #listTitle><span id="tab-list-title">{{ 'network.tab.list' | t }}</span></ng-template>
        <ng-template nz-tab>
          <pd-network-list />
        </ng-template>
      </nz-tab>
      <nz-tab [nzTitle]="topologyTitle">
        <ng-template #topologyTitle><span id="tab-topology-title">{{ 'network.tab.topology' | t }}</span></ng-template>
        <ng-template nz-tab>
          <pd-topology />
        </ng-template>
      </nz-tab>
    </nz-tabs>

    @if (creating()) {
      <pd-create-network-dialog (closed)="creating.set(false)" (created)="created($event)" />
    }
  `,
  styles: `
    .actions {
      display: flex;
      gap: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NetworkPage {
  private readonly router = inject(Router);
  protected readonly store = inject(NetworkStore);
  /** `?tab=` (router input binding). */
  readonly tab = input<string>();
  protected readonly creating = signal(false);
  protected readonly tabIndex = computed(() => Math.max(0, TABS.indexOf((this.tab() ?? 'list') as Tab)));

  constructor() {
    void this.store.load();
  }

  protected select(index: number): void {
    const tab = TABS[index] ?? 'list';
    void this.router.navigate([], { queryParams: { tab }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected created(network: Network): void {
    this.creating.set(false);
    this.store.add(network);
  }
}
