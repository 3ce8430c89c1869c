import { ChangeDetectionStrategy, Component, type OnInit, inject, signal } from '@angular/core';
import type { Snapshot } from '@paddock/protocol/api/snapshots';
import type { Task } from '@paddock/protocol/api/tasks';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzModalService } from 'ng-zorro-antd/modal';
import { NzTableModule } from 'ng-zorro-antd/table';
import { VmsApi } from '../../../core/api/vms.api';
import { I18nService } from '../../../core/i18n/i18n.service';
import { CanDirective } from '../../../shared/can.directive';
import { WhenPipe } from '../../../shared/format.pipes';
import { StateTagComponent } from '../../../shared/state-tag.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { CreateSnapshotDialog } from './dialogs/create-snapshot.dialog';
import { nameDialog } from '../../../shared/a11y';
import { VmDetailStore } from './vm-detail.store';

/** The VM's snapshots: take one, revert to one, delete one; status follows their tasks. */
@Component({
  selector: 'pd-vm-snapshots-tab',
  imports: [
    NzButtonModule,
    NzIconModule,
    NzTableModule,
    CanDirective,
    CreateSnapshotDialog,
    StateTagComponent,
    TranslatePipe,
    WhenPipe,
  ],
  template: `
    <div class="toolbar" *pdCan="'vms:operate'">
      <button nz-button nzType="primary" id="snapshot-create" [disabled]="!canSnapshot()" (click)="createOpen.set(true)">
        <nz-icon nzType="camera" />{{ 'vmDetail.snapshots.create' | t }}
      </button>
    </div>
    <nz-table
      id="vm-snapshots"
      #table
      [nzData]="store.snapshots() ?? []"
      [nzLoading]="store.snapshots() === null"
      [nzFrontPagination]="false"
      [nzShowPagination]="false"
      nzSize="small"
      [nzScroll]="{ x: '720px' }"
      [nzNoResult]="'vmDetail.snapshots.none' | t"
    >
      <thead>
        <tr>
          <th>{{ 'common.name' | t }}</th>
          <th>{{ 'common.description' | t }}</th>
          <th>{{ 'common.status' | t }}</th>
          <th>{{ 'common.created' | t }}</th>
          <th *pdCan="'vms:operate'">{{ 'common.actions' | t }}</th>
        </tr>
      </thead>
      <tbody>
        @for (snap of table.data; track snap.id) {
          <tr [id]="'snapshot-row-' + snap.name" [attr.data-status]="snap.status">
            <td>{{ snap.name }}</td>
            <td>{{ snap.description ?? '' }}</td>
            <td><pd-state-tag [state]="snap.status" /></td>
            <td>{{ snap.createdAt | when }}</td>
            <td *pdCan="'vms:operate'" class="actions">
              <button
                nz-button
                nzSize="small"
                class="snapshot-revert"
                [disabled]="snap.status !== 'ready' || busy()"
                (click)="revert(snap)"
              >
                <nz-icon nzType="rollback" />{{ 'vmDetail.snapshots.revert' | t }}
              </button>
              <button
                nz-button
                nzSize="small"
                nzDanger
                class="snapshot-delete"
                [disabled]="snap.status !== 'ready' || busy()"
                (click)="remove(snap)"
              >
                <nz-icon nzType="delete" />{{ 'common.delete' | t }}
              </button>
            </td>
          </tr>
        }
      </tbody>
    </nz-table>
    @if (createOpen()) {
      <pd-create-snapshot-dialog (closed)="createOpen.set(false)" />
    }
  `,
  styles: `
    .toolbar {
      margin-bottom: 12px;
    }
    .actions {
      white-space: nowrap;
    }
    .actions button + button {
      margin-left: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmSnapshotsTab implements OnInit {
  protected readonly store = inject(VmDetailStore);
  private readonly vms = inject(VmsApi);
  private readonly modal = inject(NzModalService);
  private readonly i18n = inject(I18nService);
  protected readonly createOpen = signal(false);
  protected readonly busy = signal(false);

  ngOnInit(): void {
    void this.store.loadSnapshots();
  }

  // The appliance refuses snapshots while the VM is being created, deleted or migrated.
  protected canSnapshot(): boolean {
    const status = this.store.vm()?.status;
    return !!status && !['creating', 'deleting', 'migrating'].includes(status);
  }

  protected revert(snap: Snapshot): void {
    const title = this.i18n.t('vmDetail.snapshots.revertTitle', { name: snap.name });
    nameDialog(
      this.modal.confirm({
        nzTitle: title,
        nzContent: this.i18n.t('vmDetail.snapshots.revertBody'),
        nzOkText: this.i18n.t('vmDetail.snapshots.revert'),
        nzOkDanger: true,
        nzCancelText: this.i18n.t('common.cancel'),
        nzOnOk: () => this.change(() => this.vms.revertSnapshot(snap.vmId, snap.id)),
      }),
      title,
    );
  }

  protected remove(snap: Snapshot): void {
    const title = this.i18n.t('common.deleteConfirm', { name: snap.name });
    nameDialog(
      this.modal.confirm({
        nzTitle: title,
        nzContent: this.i18n.t('vmDetail.snapshots.deleteBody'),
        nzOkText: this.i18n.t('common.delete'),
        nzOkDanger: true,
        nzCancelText: this.i18n.t('common.cancel'),
        nzOnOk: () =>
          this.change(async () => {
            const accepted = await this.vms.deleteSnapshot(snap.vmId, snap.id);
            // Shown as deleting until the task removes it.
            this.store.snapshots.update((list) =>
              (list ?? []).map((s) => (s.id === snap.id ? { ...s, status: 'deleting' } : s)),
            );
            return accepted;
          }),
      }),
      title,
    );
  }

  private async change(send: () => Promise<{ task: Task }>): Promise<void> {
    this.busy.set(true);
    try {
      this.store.track((await send()).task);
    } catch {
      // Reported by the interceptor.
    } finally {
      this.busy.set(false);
    }
  }
}
