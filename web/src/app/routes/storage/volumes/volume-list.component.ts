import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import type { Volume } from '@paddock/protocol/api/storage';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzModalService } from 'ng-zorro-antd/modal';
import { NzProgressModule } from 'ng-zorro-antd/progress';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTooltipModule } from 'ng-zorro-antd/tooltip';
import { StorageApi } from '../../../core/api/storage.api';
import { Permissions } from '../../../core/auth/permissions';
import { I18nService } from '../../../core/i18n/i18n.service';
import { BytesPipe } from '../../../shared/format.pipes';
import { StateTagComponent } from '../../../shared/state-tag.component';
import { ScrollRegionDirective, nameDialog } from '../../../shared/a11y';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { StorageStore, type VolumeFilters } from '../storage.store';

const GiB = 1024 ** 3;
const FORMATS = ['iso', 'qcow2', 'raw'];
const STATUSES = ['pending', 'uploading', 'ready', 'error', 'deleting'];

/** The volumes tab: one server-side page of volumes, filtered by pool, format and status. */
@Component({
  selector: 'pd-volume-list',
  imports: [
    ScrollRegionDirective,
    BytesPipe,
    FormsModule,
    NzButtonModule,
    NzIconModule,
    NzProgressModule,
    NzSelectModule,
    NzTableModule,
    NzTooltipModule,
    RouterLink,
    StateTagComponent,
    TranslatePipe,
  ],
  template: `
    <div class="filters" role="search">
      <label class="sr-only" for="volume-filter-pool">{{ 'storage.filter.pool' | t }}</label>
      <nz-select
        nzId="volume-filter-pool"
        class="filter"
        nzAllowClear
        [nzPlaceHolder]="'storage.filter.pool' | t"
        [ngModel]="store.volumeFilters().poolId"
        (ngModelChange)="filter({ poolId: $event ?? undefined })"
      >
        @for (pool of store.pools(); track pool.id) {
          <nz-option [nzValue]="pool.id" [nzLabel]="pool.name" />
        }
      </nz-select>
      <label class="sr-only" for="volume-filter-format">{{ 'storage.filter.format' | t }}</label>
      <nz-select
        nzId="volume-filter-format"
        class="filter"
        nzAllowClear
        [nzPlaceHolder]="'storage.filter.format' | t"
        [ngModel]="store.volumeFilters().format"
        (ngModelChange)="filter({ format: $event ?? undefined })"
      >
        @for (format of formats; track format) {
          <nz-option [nzValue]="format" [nzLabel]="format" />
        }
      </nz-select>
      <label class="sr-only" for="volume-filter-status">{{ 'storage.filter.status' | t }}</label>
      <nz-select
        nzId="volume-filter-status"
        class="filter"
        nzAllowClear
        [nzPlaceHolder]="'storage.filter.status' | t"
        [ngModel]="store.volumeFilters().status"
        (ngModelChange)="filter({ status: $event ?? undefined })"
      >
        @for (status of statuses; track status) {
          <nz-option [nzValue]="status" [nzLabel]="stateLabel(status)" />
        }
      </nz-select>
    </div>

    <nz-table

      [pdScrollRegion]="'storage.tab.volumes' | t"
      id="volume-table"
      nzSize="middle"
            [nzFrontPagination]="false"
      [nzData]="store.volumes()"
      [nzTotal]="store.volumesTotal()"
      [nzPageIndex]="store.volumePage()"
      [nzPageSize]="store.volumePageSize()"
      [nzLoading]="store.volumesLoading()"
      [nzScroll]="{ x: '1000px' }"
      [nzNoResult]="'storage.volume.none' | t"
      (nzQueryParams)="page($event.pageIndex, $event.pageSize)"
    >
      <thead>
        <tr>
          <th scope="col">{{ 'common.name' | t }}</th>
          <th scope="col">{{ 'storage.pool' | t }}</th>
          <th scope="col" nzWidth="80px">{{ 'storage.format' | t }}</th>
          <th scope="col" nzWidth="100px">{{ 'storage.size' | t }}</th>
          <th scope="col" nzWidth="130px">{{ 'common.status' | t }}</th>
          <th scope="col" nzWidth="260px">{{ 'storage.path' | t }}</th>
          <th scope="col">{{ 'storage.usedBy' | t }}</th>
          @if (canDelete()) {
            <th scope="col" nzWidth="80px" nzRight>{{ 'common.actions' | t }}</th>
          }
        </tr>
      </thead>
      <tbody>
        @for (volume of store.volumes(); track volume.id) {
          <tr [id]="'volume-row-' + volume.name" [attr.data-id]="volume.id" [attr.data-pool]="volume.poolId">
            <td class="name">{{ volume.name }}</td>
            <td>{{ store.poolNames()[volume.poolId] ?? volume.poolId }}</td>
            <td>{{ volume.format }}</td>
            <td>{{ volume.sizeGb * GiB | bytes }}</td>
            <td>
              <pd-state-tag [state]="volume.status" />
              @if (store.tasks()[volume.id]; as task) {
                <nz-progress
                  class="task-progress"
                  nzSize="small"
                  [nzPercent]="task.progress"
                  [nzStatus]="task.status === 'failed' ? 'exception' : 'active'"
                  [attr.aria-label]="'storage.taskProgress' | t"
                />
              }
            </td>
            <td class="path">{{ volume.path ?? '—' }}</td>
            <td>
              @if (volume.vmId; as vmId) {
                <a [routerLink]="['/vms', vmId]" class="vm-link" [attr.data-vm]="vmId">{{ store.vmNames()[vmId] ?? vmId }}</a>
              } @else {
                <span class="unused">{{ 'storage.volume.unused' | t }}</span>
              }
            </td>
            @if (canDelete()) {
              <td nzRight>
                <button
                  nz-button
                  nzType="text"
                  nzDanger
                  type="button"
                  [id]="'volume-delete-' + volume.name"
                  [disabled]="volume.status === 'deleting' || volume.status === 'uploading'"
                  [attr.aria-label]="'storage.volume.delete' | t: { name: volume.name }"
                  [nz-tooltip]="'common.delete' | t"
                  (click)="confirmDelete(volume)"
                >
                  <nz-icon nzType="delete" />
                </button>
              </td>
            }
          </tr>
        }
      </tbody>
    </nz-table>
  `,
  styles: `
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      margin-bottom: 12px;
    }
    .filter {
      width: 180px;
    }
    .sr-only {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    .name {
      font-weight: 500;
    }
    .path {
      font-family: monospace;
      word-break: break-all;
    }
    .task-progress {
      display: block;
      max-width: 160px;
    }
    .unused {
      opacity: 0.75;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VolumeListComponent {
  private readonly storage = inject(StorageApi);
  private readonly modal = inject(NzModalService);
  private readonly i18n = inject(I18nService);
  private readonly permissions = inject(Permissions);
  /** No empty actions column for someone who may not delete. */
  protected readonly canDelete = computed(() => this.permissions.can('storage:delete'));
  protected readonly store = inject(StorageStore);
  protected readonly GiB = GiB;
  protected readonly formats = FORMATS;
  protected readonly statuses = STATUSES;

  protected stateLabel(status: string): string {
    return this.i18n.lookup(`state.${status}`) ?? status;
  }

  protected filter(change: VolumeFilters): void {
    this.store.setVolumeFilters({ ...this.store.volumeFilters(), ...change });
  }

  protected page(pageIndex: number, pageSize: number): void {
    if (pageIndex === this.store.volumePage() && pageSize === this.store.volumePageSize()) return;
    this.store.setVolumePage(pageIndex, pageSize);
  }

  protected confirmDelete(volume: Volume): void {
    if (volume.vmId) {
      // The API refuses it (409); say why before anyone tries, and where to go instead.
      const vm = this.store.vmNames()[volume.vmId] ?? volume.vmId;
      const title = this.i18n.t('storage.volume.attachedTitle', { name: volume.name });
      const ref = this.modal.warning({
        nzTitle: title,
        nzContent: this.i18n.t('storage.volume.attached', { vm }),
        nzOkText: this.i18n.t('common.close'),
      });
      nameDialog(ref, title);
      return;
    }
    const title = this.i18n.t('common.deleteConfirm', { name: volume.name });
    const ref = this.modal.confirm({
      nzTitle: title,
      nzContent: this.i18n.t('storage.volume.deleteHint'),
      nzOkText: this.i18n.t('common.delete'),
      nzOkDanger: true,
      nzCancelText: this.i18n.t('common.cancel'),
      nzOnOk: async () => {
        try {
          const { task } = await this.storage.deleteVolume(volume.id);
          this.store.markVolume(volume.id, 'deleting');
          this.store.follow('volume', volume.id, task);
        } catch {
          // The interceptor shows the appliance's reason (e.g. attached meanwhile).
        }
      },
    });
    nameDialog(ref, title);
  }
}
