import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { VmsApi } from '../../../../core/api/vms.api';
import { TranslatePipe } from '../../../../shared/translate.pipe';
import { DialogNameDirective } from '../../../../shared/a11y';
import { VmDetailStore } from '../vm-detail.store';
import { NAME_PATTERN, SNAPSHOT_DESCRIPTION_MAX, SNAPSHOT_NAME_MAX } from './limits';

/** Takes a snapshot: a name (the API's pattern) and an optional description. */
@Component({
  selector: 'pd-create-snapshot-dialog',
  imports: [
    DialogNameDirective,
    ReactiveFormsModule,
    NzFormModule,
    NzInputModule,
    NzModalModule,
    TranslatePipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="'vmDetail.snapshots.create' | t"
      [pdDialogName]="'vmDetail.snapshots.create' | t"
      [nzOkText]="'common.create' | t"
      [nzCancelText]="'common.cancel' | t"
      [nzOkLoading]="sending()"
      (nzOnOk)="submit()"
      (nzOnCancel)="closed.emit()"
    >
      <form *nzModalContent id="snapshot-dialog" nz-form nzLayout="vertical" [formGroup]="form" (ngSubmit)="submit()">
        <nz-form-item>
          <nz-form-label nzFor="snapshot-name" nzRequired>{{ 'common.name' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="'vmDetail.form.nameRule' | t: { max: 64 }">
            <input nz-input id="snapshot-name" formControlName="name" autocomplete="off" />
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="snapshot-description">{{ 'common.description' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="'vmDetail.form.tooLong' | t: { max: 500 }">
            <textarea nz-input id="snapshot-description" formControlName="description" rows="2"></textarea>
          </nz-form-control>
        </nz-form-item>
      </form>
    </nz-modal>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreateSnapshotDialog {
  private readonly vms = inject(VmsApi);
  private readonly store = inject(VmDetailStore);
  readonly closed = output<void>();
  protected readonly sending = signal(false);

  protected readonly form = new FormGroup({
    name: new FormControl(defaultName(), {
      nonNullable: true,
      validators: [
        Validators.required,
        Validators.maxLength(SNAPSHOT_NAME_MAX),
        Validators.pattern(NAME_PATTERN),
      ],
    }),
    description: new FormControl('', {
      nonNullable: true,
      validators: [Validators.maxLength(SNAPSHOT_DESCRIPTION_MAX)],
    }),
  });

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    const vm = this.store.vm();
    if (!vm) return;
    const { name, description } = this.form.getRawValue();
    this.sending.set(true);
    try {
      const { snapshot, task } = await this.vms.createSnapshot(vm.id, {
        name,
        ...(description.trim() && { description }),
      });
      this.store.snapshots.update((list) => [...(list ?? []).filter((s) => s.id !== snapshot.id), snapshot]);
      this.store.track(task);
      this.closed.emit();
    } catch {
      this.sending.set(false);
    }
  }
}

/** `snap-20261129-1743`: a valid, readable default. */
function defaultName(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `snap-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
}
