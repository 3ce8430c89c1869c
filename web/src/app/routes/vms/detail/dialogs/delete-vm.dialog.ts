import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import type { Vm } from '@paddock/protocol/api/vms';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzCheckboxModule } from 'ng-zorro-antd/checkbox';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { VmsApi } from '../../../../core/api/vms.api';
import { TranslatePipe } from '../../../../shared/translate.pipe';
import { DialogNameDirective } from '../../../../shared/a11y';

/** Deletes the VM (and, when asked, its disks), then goes back to the list. */
@Component({
  selector: 'pd-delete-vm-dialog',
  imports: [DialogNameDirective, FormsModule, NzAlertModule, NzCheckboxModule, NzModalModule, TranslatePipe],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="'common.deleteConfirm' | t: { name: vm().name }"
      [pdDialogName]="'common.deleteConfirm' | t: { name: vm().name }"
      [nzOkText]="'common.delete' | t"
      [nzOkDanger]="true"
      [nzCancelText]="'common.cancel' | t"
      [nzOkLoading]="sending()"
      (nzOnOk)="submit()"
      (nzOnCancel)="closed.emit()"
    >
      <div *nzModalContent id="delete-dialog">
        @if (vm().status === 'running' || vm().status === 'paused') {
          <nz-alert nzType="warning" nzShowIcon [nzMessage]="'vmDetail.delete.running' | t" class="space" />
        }
        <p>{{ 'vmDetail.delete.body' | t }}</p>
        <label nz-checkbox id="delete-disks" [ngModel]="deleteDisks()" (ngModelChange)="deleteDisks.set($event)">
          {{ 'vmDetail.delete.disks' | t: { count: vm().diskIds.length } }}
        </label>
      </div>
    </nz-modal>
  `,
  styles: `
    .space {
      margin-bottom: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeleteVmDialog {
  private readonly vms = inject(VmsApi);
  private readonly router = inject(Router);
  readonly vm = input.required<Vm>();
  readonly closed = output<void>();
  protected readonly deleteDisks = signal(false);
  protected readonly sending = signal(false);

  protected async submit(): Promise<void> {
    this.sending.set(true);
    try {
      await this.vms.delete(this.vm().id, this.deleteDisks());
      this.closed.emit();
      // The delete runs as a task; the list shows the VM as deleting until it is gone.
      await this.router.navigate(['/vms']);
    } catch {
      this.sending.set(false);
    }
  }
}
