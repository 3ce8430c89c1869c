import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import type { Pool } from '@paddock/protocol/api/storage';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzModalService } from 'ng-zorro-antd/modal';
import { NzProgressModule } from 'ng-zorro-antd/progress';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTooltipModule } from 'ng-zorro-antd/tooltip';
import { StorageApi } from '../../../core/api/storage.api';
import { Permissions } from '../../../core/auth/permissions';
import { I18nService } from '../../../core/i18n/i18n.service';
import { BytesPipe } from '../../../shared/format.pipes';
import { StateTagComponent } from '../../../shared/state-tag.component';
import { ScrollRegionDirective, nameDialog } from '../../../shared/a11y';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { StorageStore } from '../storage.store';

const GiB = 1024 ** 3;

/** The pools tab: every pool with its node, state and how full it is. */
@Component({
  selector: 'pd-pool-list',
  imports: [
    ScrollRegionDirective,
    BytesPipe,
    NzButtonModule,
    NzIconModule,
    NzProgressModule,
    NzTableModule,
    NzTooltipModule,
    StateTagComponent,
    TranslatePipe,
  ],
  template: `
    <nz-table
      [pdScrollRegion]="'storage.tab.pools' | t"
      #table
      id="pool-table"
      nzSize="middle"
      [nzData]="store.pools()"
      [nzLoading]="store.poolsLoading()"
      [nzPageSize]="20"
      [nzHideOnSinglePage]="true"
      [nzScroll]="{ x: '1000px' }"
      [nzNoResult]="'storage.pool.none' | t"
    >
      <thead>
        <tr>
          <th scope="col">{{ 'common.name' | t }}</th>
          <th scope="col" nzWidth="70px">{{ 'common.type' | t }}</th>
          <th scope="col">{{ 'common.node' | t }}</th>
          <th scope="col" nzWidth="260px">{{ 'storage.path' | t }}</th>
          <th scope="col" nzWidth="150px">{{ 'common.status' | t }}</th>
          <th scope="col" nzWidth="180px">{{ 'storage.capacity' | t }}</th>
          @if (canDelete()) {
            <th scope="col" nzWidth="80px" nzRight>{{ 'common.actions' | t }}</th>
          }
        </tr>
      </thead>
      <tbody>
        @for (pool of table.data; track pool.id) {
          <tr [id]="'pool-row-' + pool.name" [attr.data-id]="pool.id">
            <td class="name">{{ pool.name }}</td>
            <td>{{ pool.type }}</td>
            <td>{{ (pool.nodeId && store.nodeNames()[pool.nodeId]) || pool.nodeId || '—' }}</td>
            <td class="path">{{ pool.path ?? '—' }}</td>
            <td>
              <pd-state-tag [state]="pool.status" />
              @if (store.tasks()[pool.id]; as task) {
                <nz-progress
                  class="task-progress"
                  nzSize="small"
                  [nzPercent]="task.progress"
                  [nzStatus]="task.status === 'failed' ? 'exception' : 'active'"
                  [attr.aria-label]="'storage.taskProgress' | t"
                  [attr.data-task]="task.taskId"
                />
              }
            </td>
            <td>
              @if (pool.sizeGb > 0) {
                <nz-progress
                  nzSize="small"
                  [nzPercent]="percent(pool)"
                  [nzShowInfo]="false"
                  [nzStatus]="percent(pool) >= 90 ? 'exception' : 'normal'"
                  [attr.aria-label]="'storage.capacity' | t"
                />
                <div class="capacity-text">
                  {{ 'storage.usedOf' | t: { used: (pool.usedGb * GiB | bytes), size: (pool.sizeGb * GiB | bytes) } }}
                </div>
              } @else {
                —
              }
            </td>
            @if (canDelete()) {
              <td nzRight>
                <button
                  nz-button
                  nzType="text"
                  nzDanger
                  type="button"
                  [id]="'pool-delete-' + pool.name"
                  [disabled]="pool.status === 'deleting'"
                  [attr.aria-label]="'storage.pool.delete' | t: { name: pool.name }"
                  [nz-tooltip]="'common.delete' | t"
                  (click)="confirmDelete(pool)"
                >
                  <nz-icon nzType="delete" />
                </button>
              </td>
            }
          </tr>
        }
      </tbody>
    </nz-table>
    @if (store.poolsTotal() > store.pools().length) {
      <p class="note">{{ 'storage.pool.capped' | t: { shown: store.pools().length, total: store.poolsTotal() } }}</p>
    }
  `,
  styles: `
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
    .capacity-text {
      font-size: 12px;
      opacity: 0.75;
    }
    .note {
      margin-top: 8px;
      opacity: 0.75;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PoolListComponent {
  private readonly storage = inject(StorageApi);
  private readonly modal = inject(NzModalService);
  private readonly i18n = inject(I18nService);
  private readonly permissions = inject(Permissions);
  /** No empty actions column for someone who may not delete. */
  protected readonly canDelete = computed(() => this.permissions.can('storage:delete'));
  protected readonly store = inject(StorageStore);
  protected readonly GiB = GiB;

  protected percent(pool: Pool): number {
    return pool.sizeGb > 0 ? Math.min(100, Math.round((pool.usedGb / pool.sizeGb) * 100)) : 0;
  }

  protected confirmDelete(pool: Pool): void {
    const title = this.i18n.t('common.deleteConfirm', { name: pool.name });
    const ref = this.modal.confirm({
      nzTitle: title,
      nzContent: this.i18n.t('storage.pool.deleteHint'),
      nzOkText: this.i18n.t('common.delete'),
      nzOkDanger: true,
      nzCancelText: this.i18n.t('common.cancel'),
      nzOnOk: async () => {
        try {
          const { task } = await this.storage.deletePool(pool.id);
          this.store.markPool(pool.id, 'deleting');
          this.store.follow('pool', pool.id, task);
        } catch {
          // 409 "still holds N volume(s)": the interceptor shows the appliance's message.
        }
      },
    });
    nameDialog(ref, title);
  }
}
