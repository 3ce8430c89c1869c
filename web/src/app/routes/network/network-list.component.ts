import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import type { Network } from '@paddock/protocol/api/networks';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzModalService } from 'ng-zorro-antd/modal';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTooltipModule } from 'ng-zorro-antd/tooltip';
import { NetworksApi } from '../../core/api/networks.api';
import { Permissions } from '../../core/auth/permissions';
import { I18nService } from '../../core/i18n/i18n.service';
import { WhenPipe } from '../../shared/format.pipes';
import { ScrollRegionDirective, nameDialog } from '../../shared/a11y';
import { TranslatePipe } from '../../shared/translate.pipe';
import { NetworkStore } from './network.store';

/** Every network with its bridge and addressing; delete refuses a network VMs still use. */
@Component({
  selector: 'pd-network-list',
  imports: [
    ScrollRegionDirective,
    NzButtonModule,
    NzIconModule,
    NzTableModule,
    NzTooltipModule,
    TranslatePipe,
    WhenPipe,
  ],
  template: `
    <nz-table
      [pdScrollRegion]="'network.tab.list' | t"
      #table
      id="network-table"
      nzSize="middle"
      [nzData]="store.networks()"
      [nzLoading]="store.loading()"
      [nzPageSize]="20"
      [nzHideOnSinglePage]="true"
      [nzScroll]="{ x: '960px' }"
      [nzNoResult]="'network.none' | t"
    >
      <thead>
        <tr>
          <th scope="col">{{ 'common.name' | t }}</th>
          <th scope="col" nzWidth="90px">{{ 'common.type' | t }}</th>
          <th scope="col">{{ 'network.bridge' | t }}</th>
          <th scope="col">{{ 'network.cidr' | t }}</th>
          <th scope="col">{{ 'network.gateway' | t }}</th>
          <th scope="col" nzWidth="80px">{{ 'network.mtu' | t }}</th>
          <th scope="col" nzWidth="80px">{{ 'network.vlan' | t }}</th>
          <th scope="col">{{ 'common.created' | t }}</th>
          @if (canDelete()) {
            <th scope="col" nzWidth="90px" nzRight>{{ 'common.actions' | t }}</th>
          }
        </tr>
      </thead>
      <tbody>
        @for (network of table.data; track network.id) {
          <tr [id]="'network-row-' + network.name" [attr.data-id]="network.id">
            <td class="name">{{ network.name }}</td>
            <td>{{ network.type }}</td>
            <td class="mono">{{ network.bridge ?? '—' }}</td>
            <td class="mono">{{ network.cidr ?? '—' }}</td>
            <td class="mono">{{ network.gateway ?? '—' }}</td>
            <td>{{ network.mtu }}</td>
            <td>{{ network.vlanId ?? '—' }}</td>
            <td>{{ network.createdAt | when }}</td>
            @if (canDelete()) {
              <td nzRight>
                <button
                  nz-button
                  nzType="text"
                  nzDanger
                  type="button"
                  [id]="'network-delete-' + network.name"
                  [attr.aria-label]="'network.delete' | t: { name: network.name }"
                  [nz-tooltip]="'common.delete' | t"
                  (click)="confirmDelete(network)"
                >
                  <nz-icon nzType="delete" />
                </button>
              </td>
            }
          </tr>
        }
      </tbody>
    </nz-table>
    @if (store.total() > store.networks().length) {
      <p class="note">{{ 'network.capped' | t: { shown: store.networks().length, total: store.total() } }}</p>
    }
  `,
  styles: `
    .name {
      font-weight: 500;
    }
    .mono {
      font-family: monospace;
      white-space: nowrap;
    }
    .note {
      margin-top: 8px;
      opacity: 0.75;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NetworkListComponent {
  private readonly api = inject(NetworksApi);
  private readonly modal = inject(NzModalService);
  private readonly i18n = inject(I18nService);
  private readonly permissions = inject(Permissions);
  /** No empty actions column for someone who may not delete. */
  protected readonly canDelete = computed(() => this.permissions.can('networks:delete'));
  protected readonly store = inject(NetworkStore);

  protected confirmDelete(network: Network): void {
    const title = this.i18n.t('common.deleteConfirm', { name: network.name });
    const ref = this.modal.confirm({
      nzTitle: title,
      nzContent: this.i18n.t('network.deleteHint', { bridge: network.bridge ?? '—' }),
      nzOkText: this.i18n.t('common.delete'),
      nzOkDanger: true,
      nzCancelText: this.i18n.t('common.cancel'),
      nzOnOk: async () => {
        try {
          await this.api.delete(network.id);
          this.store.remove(network.id);
        } catch {
          // 409 "network X is used by vm-a, vm-b": the interceptor shows the appliance's message.
        }
      },
    });
    nameDialog(ref, title);
  }
}
