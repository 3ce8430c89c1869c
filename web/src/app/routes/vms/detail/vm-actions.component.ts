import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import type { Task } from '@paddock/protocol/api/tasks';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzModalService } from 'ng-zorro-antd/modal';
import { NzSpaceModule } from 'ng-zorro-antd/space';
import type { VmAction } from '@paddock/protocol/api/vms';
import { VmsApi } from '../../../core/api/vms.api';
import { I18nService } from '../../../core/i18n/i18n.service';
import { CanDirective } from '../../../shared/can.directive';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { CloneVmDialog } from './dialogs/clone-vm.dialog';
import { DeleteVmDialog } from './dialogs/delete-vm.dialog';
import { EditVmDialog } from './dialogs/edit-vm.dialog';
import { ShutdownVmDialog } from './dialogs/shutdown-vm.dialog';
import { nameDialog } from '../../../shared/a11y';
import { VmDetailStore } from './vm-detail.store';

// The statuses each action may start from: the same table as the appliance's VmsService, so a
// button is enabled exactly when the API would accept it.
const ALLOWED_FROM: Record<VmAction, string[]> = {
  start: ['stopped', 'error'],
  shutdown: ['running', 'paused', 'stopping'],
  stop: ['running', 'paused', 'stopping', 'starting', 'error'],
  reboot: ['running'],
  suspend: ['running'],
  resume: ['paused'],
};

/** The VM's power actions, edit, clone, delete and adopt, each behind its permission. */
@Component({
  selector: 'pd-vm-actions',
  imports: [
    NzButtonModule,
    NzIconModule,
    NzSpaceModule,
    CanDirective,
    TranslatePipe,
    CloneVmDialog,
    DeleteVmDialog,
    EditVmDialog,
    ShutdownVmDialog,
  ],
  templateUrl: './vm-actions.component.html',
  styles: `
    :host {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .group {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmActionsComponent {
  protected readonly store = inject(VmDetailStore);
  private readonly vms = inject(VmsApi);
  private readonly modal = inject(NzModalService);
  private readonly i18n = inject(I18nService);

  protected readonly busy = signal<string | null>(null);
  protected readonly shutdownOpen = signal(false);
  protected readonly deleteOpen = signal(false);
  protected readonly editOpen = signal(false);
  protected readonly cloneOpen = signal(false);
  protected readonly status = computed(() => this.store.vm()?.status ?? 'unknown');

  protected allowed(action: VmAction): boolean {
    return ALLOWED_FROM[action].includes(this.status()) && this.busy() === null;
  }

  protected run(action: VmAction): void {
    void this.call(action, () => this.vms.action(this.store.vm()!.id, action));
  }

  /** Power off and reboot interrupt the guest: ask first. */
  protected confirm(action: 'stop' | 'reboot'): void {
    const name = this.store.vm()!.name;
    const title = this.i18n.t(`vmDetail.confirm.${action}.title`, { name });
    nameDialog(
      this.modal.confirm({
        nzTitle: title,
        nzContent: this.i18n.t(`vmDetail.confirm.${action}.body`),
        nzOkText: this.i18n.t(`vmDetail.action.${action}`),
        nzOkDanger: action === 'stop',
        nzCancelText: this.i18n.t('common.cancel'),
        nzOnOk: () => this.run(action),
      }),
      title,
    );
  }

  protected adopt(): void {
    const id = this.store.vm()!.id;
    this.busy.set('adopt');
    this.vms.adopt(id).then(
      (vm) => {
        this.store.vm.set(vm);
        this.busy.set(null);
      },
      () => this.busy.set(null),
    );
  }

  /** Follows a task the dialog or a button started. */
  protected started(task: Task): void {
    this.store.track(task);
  }

  private async call(action: string, send: () => Promise<{ task: Task }>): Promise<void> {
    this.busy.set(action);
    try {
      this.store.track((await send()).task);
    } catch {
      // The interceptor has told the person why.
    } finally {
      this.busy.set(null);
    }
  }
}
