import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router } from '@angular/router';
import type { Vm } from '@paddock/protocol/api/vms';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NzRadioModule } from 'ng-zorro-antd/radio';
import { VmsApi } from '../../../../core/api/vms.api';
import { TranslatePipe } from '../../../../shared/translate.pipe';
import { DialogNameDirective } from '../../../../shared/a11y';
import { NAME_PATTERN, VM_NAME_MAX } from './limits';

/** Clones the stopped VM (full copy or linked overlays) and opens the clone's page. */
@Component({
  selector: 'pd-clone-vm-dialog',
  imports: [
    DialogNameDirective,
    ReactiveFormsModule,
    NzFormModule,
    NzInputModule,
    NzModalModule,
    NzRadioModule,
    TranslatePipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="'vmDetail.clone.title' | t: { name: vm().name }"
      [pdDialogName]="'vmDetail.clone.title' | t: { name: vm().name }"
      [nzOkText]="'vmDetail.action.clone' | t"
      [nzCancelText]="'common.cancel' | t"
      [nzOkLoading]="sending()"
      (nzOnOk)="submit()"
      (nzOnCancel)="closed.emit()"
    >
      <form *nzModalContent id="clone-dialog" nz-form nzLayout="vertical" [formGroup]="form" (ngSubmit)="submit()">
        <nz-form-item>
          <nz-form-label nzFor="clone-name" nzRequired>{{ 'vmDetail.clone.name' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="'vmDetail.form.nameRule' | t: { max: 63 }">
            <input nz-input id="clone-name" formControlName="name" autocomplete="off" />
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label id="clone-mode-label">{{ 'vmDetail.clone.mode' | t }}</nz-form-label>
          <nz-form-control>
            <nz-radio-group formControlName="mode" aria-labelledby="clone-mode-label">
              <label nz-radio nzValue="full" id="clone-mode-full">{{ 'vmDetail.clone.full' | t }}</label>
              <label nz-radio nzValue="linked" id="clone-mode-linked">{{ 'vmDetail.clone.linked' | t }}</label>
            </nz-radio-group>
          </nz-form-control>
        </nz-form-item>
        <p class="hint">
          {{ (form.controls.mode.value === 'linked' ? 'vmDetail.clone.linkedHint' : 'vmDetail.clone.fullHint') | t }}
        </p>
      </form>
    </nz-modal>
  `,
  styles: `
    .hint {
      margin: 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CloneVmDialog {
  private readonly vms = inject(VmsApi);
  private readonly router = inject(Router);
  readonly vm = input.required<Vm>();
  readonly closed = output<void>();
  protected readonly sending = signal(false);

  protected readonly form = new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(VM_NAME_MAX), Validators.pattern(NAME_PATTERN)],
    }),
    mode: new FormControl<'full' | 'linked'>('linked', { nonNullable: true }),
  });

  protected async submit(): Promise<void> {
    const name = this.form.controls.name;
    if (this.form.invalid) {
      name.markAsDirty();
      name.updateValueAndValidity();
      return;
    }
    this.sending.set(true);
    try {
      const { vm } = await this.vms.clone(this.vm().id, this.form.getRawValue());
      this.closed.emit();
      await this.router.navigate(['/vms', vm.id]);
    } catch {
      this.sending.set(false);
    }
  }
}
