import {
  ChangeDetectionStrategy,
  Component,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import type { User } from '@paddock/protocol/api/users';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { UsersApi } from '../../../core/api/users.api';
import { labelDialogBy } from '../../../shared/a11y';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { PASSWORD, passwordValidators, samePassword } from './user-limits';

/** An administrator sets a new password for a user (their sessions end: the API revokes them). */
@Component({
  selector: 'pd-reset-password-dialog',
  imports: [NzFormModule, NzInputModule, NzModalModule, ReactiveFormsModule, TranslatePipe],
  template: `
    <nz-modal
      [nzVisible]="user() !== null"
      [nzTitle]="titleTpl"
      (nzAfterOpen)="labelDialogBy('reset-password-title')"
      [nzOkText]="'users.resetPassword' | t"
      [nzCancelText]="'common.cancel' | t"
      [nzOkLoading]="saving()"
      (nzOnOk)="save()"
      (nzOnCancel)="done.emit(false)"
    >
      <form *nzModalContent id="reset-password-form" nz-form nzLayout="vertical" [formGroup]="form" (ngSubmit)="save()">
        <nz-form-item>
          <nz-form-label nzFor="reset-password" nzRequired>{{ 'users.newPassword' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="'users.passwordRule' | t: { min: limits.min, max: limits.max }">
            <input nz-input id="reset-password" type="password" formControlName="password" autocomplete="new-password" />
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="reset-confirm" nzRequired>{{ 'users.confirmPassword' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="'users.passwordMismatch' | t">
            <input nz-input id="reset-confirm" type="password" formControlName="confirm" autocomplete="new-password" />
          </nz-form-control>
        </nz-form-item>
      </form>
    </nz-modal>
<ng-template #titleTpl><span id="reset-password-title">{{ 'users.resetPasswordTitle' | t: { name: user()?.username ?? '' } }}</span></ng-template>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ResetPasswordDialog {
  protected readonly labelDialogBy = labelDialogBy;
  private readonly api = inject(UsersApi);
  readonly user = input<User | null>(null);
  readonly done = output<boolean>();
  protected readonly limits = PASSWORD;
  protected readonly saving = signal(false);
  protected readonly form = inject(NonNullableFormBuilder).group(
    { password: ['', passwordValidators], confirm: ['', passwordValidators] },
    { validators: samePassword() },
  );

  constructor() {
    effect(() => {
      this.user();
      untracked(() => this.form.reset());
    });
  }

  protected async save(): Promise<void> {
    const user = this.user();
    if (!user) return;
    if (this.form.invalid) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    this.saving.set(true);
    try {
      await this.api.update(user.id, { password: this.form.getRawValue().password });
      this.done.emit(true);
    } catch {
      // Reported by the interceptor.
    } finally {
      this.saving.set(false);
    }
  }
}
