import { ChangeDetectionStrategy, Component, type OnInit, inject, signal } from '@angular/core';
import type { Network } from '@paddock/protocol/api/networks';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NetworksApi } from '../../../core/api/networks.api';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { VmDetailStore } from './vm-detail.store';

/** The VM's network interfaces: the network each joins and its MAC address. */
@Component({
  selector: 'pd-vm-nics-tab',
  imports: [NzTableModule, TranslatePipe],
  template: `
    @if (store.vm(); as vm) {
      <nz-table
        id="vm-nics"
        #table
        [nzData]="vm.nics"
        [nzFrontPagination]="false"
        [nzShowPagination]="false"
        nzSize="small"
        [nzScroll]="{ x: '560px' }"
        [nzNoResult]="'vmDetail.nics.none' | t"
      >
        <thead>
          <tr>
            <th>#</th>
            <th>{{ 'vmDetail.nics.network' | t }}</th>
            <th>{{ 'vmDetail.nics.bridge' | t }}</th>
            <th>{{ 'vmDetail.nics.mac' | t }}</th>
          </tr>
        </thead>
        <tbody>
          @for (nic of table.data; track nic.mac; let i = $index) {
            <tr [id]="'nic-row-' + i">
              <td>{{ i }}</td>
              <td>{{ networks()[nic.networkId]?.name ?? nic.networkId }}</td>
              <td>{{ networks()[nic.networkId]?.bridge ?? '—' }}</td>
              <td><code>{{ nic.mac }}</code></td>
            </tr>
          }
        </tbody>
      </nz-table>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmNicsTab implements OnInit {
  protected readonly store = inject(VmDetailStore);
  private readonly api = inject(NetworksApi);
  protected readonly networks = signal<Record<string, Network>>({});

  async ngOnInit(): Promise<void> {
    const found: Record<string, Network> = {};
    for (const id of new Set(this.store.vm()?.nics.map((n) => n.networkId) ?? [])) {
      found[id] = await this.api.get(id);
    }
    this.networks.set(found);
  }
}
