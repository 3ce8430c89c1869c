import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Vm } from '@paddock/protocol/api/vms';
import { NzCheckboxModule } from 'ng-zorro-antd/checkbox';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputNumberModule } from 'ng-zorro-antd/input-number';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { VmsApi } from '../../../../core/api/vms.api';
import { TranslatePipe } from '../../../../shared/translate.pipe';
import { DialogNameDirective } from '../../../../shared/a11y';

/** Asks the guest to shut down; optionally powers it off when it has not stopped in time. */
@Component({
  selector: 'pd-shutdown-vm-dialog',
  imports: [
    DialogNameDirective,
    FormsModule,
    NzCheckboxModule,
    NzFormModule,
    NzInputNumberModule,
    NzModalModule,
    TranslatePipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="'vmDetail.shutdown.title' | t: { name: vm().name }"
      [pdDialogName]="'vmDetail.shutdown.title' | t: { name: vm().name }"
      [nzOkText]="'vmDetail.action.shutdown' | t"
      [nzCancelText]="'common.cancel' | t"
      [nzOkLoading]="sending()"
      [nzOkDisabled]="!validTimeout()"
      (nzOnOk)="submit()"
      (nzOnCancel)="closed.emit()"
    >
      <div *nzModalContent id="shutdown-dialog">
        <p>{{ 'vmDetail.shutdown.body' | t }}</p>
        <nz-form-item>
          <nz-form-label nzFor="shutdown-timeout">{{ 'vmDetail.shutdown.timeout' | t }}</nz-form-label>
          <nz-form-control>
            <nz-input-number
              nzId="shutdown-timeout"
              [nzMin]="1"
              [nzMax]="3600"
              [nzPrecision]="0"
              [ngModel]="timeout()"
              (ngModelChange)="timeout.set($event)"
            />
          </nz-form-control>
        </nz-form-item>
        <label nz-checkbox id="shutdown-force" [ngModel]="force()" (ngModelChange)="force.set($event)">
          {{ 'vmDetail.shutdown.force' | t }}
        </label>
      </div>
    </nz-modal>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShutdownVmDialog {
  private readonly vms = inject(VmsApi);
  readonly vm = input.required<Vm>();
  readonly closed = output<void>();
  readonly started = output<Task>();
  protected readonly timeout = signal<number | null>(60);
  protected readonly force = signal(false);
  protected readonly sending = signal(false);

  // Same bounds as ShutdownBody.timeoutSec.
  protected validTimeout(): boolean {
    const t = this.timeout();
    return t !== null && Number.isInteger(t) && t >= 1 && t <= 3600;
  }

  protected async submit(): Promise<void> {
    if (!this.validTimeout()) return;
    this.sending.set(true);
    try {
      const { task } = await this.vms.action(this.vm().id, 'shutdown', {
        timeoutSec: this.timeout()!,
        force: this.force(),
      });
      this.started.emit(task);
      this.closed.emit();
    } catch {
      this.sending.set(false);
    }
  }
}
