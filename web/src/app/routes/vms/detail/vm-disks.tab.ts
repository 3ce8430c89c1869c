import { ChangeDetectionStrategy, Component, type OnInit, inject, signal } from '@angular/core';
import type { Volume } from '@paddock/protocol/api/storage';
import { NzTableModule } from 'ng-zorro-antd/table';
import { StorageApi } from '../../../core/api/storage.api';
import { StateTagComponent } from '../../../shared/state-tag.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { VmDetailStore } from './vm-detail.store';

/** The VM's volumes with size, format, pool and path on the node. */
@Component({
  selector: 'pd-vm-disks-tab',
  imports: [NzTableModule, StateTagComponent, TranslatePipe],
  template: `
    <nz-table
      id="vm-disks"
      #table
      [nzData]="disks()"
      [nzLoading]="loading()"
      [nzFrontPagination]="false"
      [nzShowPagination]="false"
      nzSize="small"
      [nzScroll]="{ x: '720px' }"
      [nzNoResult]="'vmDetail.disks.none' | t"
    >
      <thead>
        <tr>
          <th>{{ 'common.name' | t }}</th>
          <th>{{ 'vmDetail.disks.size' | t }}</th>
          <th>{{ 'vmDetail.disks.format' | t }}</th>
          <th>{{ 'vmDetail.disks.pool' | t }}</th>
          <th>{{ 'vmDetail.disks.path' | t }}</th>
          <th>{{ 'common.status' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (disk of table.data; track disk.id) {
          <tr [id]="'disk-row-' + disk.name" [attr.data-volume-id]="disk.id">
            <td>{{ disk.name }}</td>
            <td>{{ disk.sizeGb }} GiB</td>
            <td>{{ disk.format }}</td>
            <td>{{ pools()[disk.poolId] ?? disk.poolId }}</td>
            <td class="path">{{ disk.path ?? '—' }}</td>
            <td><pd-state-tag [state]="disk.status" /></td>
          </tr>
        }
      </tbody>
    </nz-table>
  `,
  styles: `
    .path {
      word-break: break-all;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmDisksTab implements OnInit {
  private readonly store = inject(VmDetailStore);
  private readonly storage = inject(StorageApi);
  protected readonly disks = signal<Volume[]>([]);
  protected readonly pools = signal<Record<string, string>>({});
  protected readonly loading = signal(true);

  async ngOnInit(): Promise<void> {
    const vm = this.store.vm();
    if (!vm) return;
    try {
      const page = await this.storage.volumes({ vmId: vm.id, pageSize: 100 });
      // The VM's own order (boot disk first), not the list's name order.
      const order = new Map(vm.diskIds.map((id, i) => [id, i]));
      this.disks.set([...page.items].sort((a, b) => (order.get(a.id) ?? 99) - (order.get(b.id) ?? 99)));
      const names: Record<string, string> = {};
      for (const poolId of new Set(page.items.map((d) => d.poolId))) {
        names[poolId] = (await this.storage.pool(poolId)).name;
      }
      this.pools.set(names);
    } finally {
      this.loading.set(false);
    }
  }
}
