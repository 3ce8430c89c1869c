import { HttpContext, HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router } from '@angular/router';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzMessageService } from 'ng-zorro-antd/message';
import { UsersApi } from '../../core/api/users.api';
import { AuthService } from '../../core/auth/auth.service';
import { apiError } from '../../core/http/error-notifier.service';
import { SILENT_ERRORS } from '../../core/http/request-flags';
import { I18nService } from '../../core/i18n/i18n.service';
import { TranslatePipe } from '../../shared/translate.pipe';
import { PASSWORD, passwordValidators, samePassword } from '../admin/users/user-limits';

/**
 * The signed-in user's own password. The appliance ends every session of the user when it
 * changes, so the console signs out and asks for the new password.
 */
@Component({
  selector: 'pd-change-password-form',
  imports: [NzAlertModule, NzButtonModule, NzFormModule, NzInputModule, ReactiveFormsModule, TranslatePipe],
  template: `
    <form id="password-form" nz-form nzLayout="vertical" [formGroup]="form" (ngSubmit)="save()">
      @if (failure(); as f) {
        <nz-alert id="password-error" nzType="error" nzShowIcon [nzMessage]="f" />
      }
      <nz-form-item>
        <nz-form-label nzFor="password-current" nzRequired>{{ 'settings.currentPassword' | t }}</nz-form-label>
        <nz-form-control [nzErrorTip]="currentError">
          <input nz-input id="password-current" type="password" formControlName="current" autocomplete="current-password" />
        </nz-form-control>
        <ng-template #currentError let-control>
          {{ (control.hasError('wrong') ? 'settings.wrongPassword' : 'settings.currentRequired') | t }}
        </ng-template>
      </nz-form-item>
      <nz-form-item>
        <nz-form-label nzFor="password-new" nzRequired>{{ 'users.newPassword' | t }}</nz-form-label>
        <nz-form-control [nzErrorTip]="'users.passwordRule' | t: { min: limits.min, max: limits.max }">
          <input nz-input id="password-new" type="password" formControlName="password" autocomplete="new-password" />
        </nz-form-control>
      </nz-form-item>
      <nz-form-item>
        <nz-form-label nzFor="password-confirm" nzRequired>{{ 'users.confirmPassword' | t }}</nz-form-label>
        <nz-form-control [nzErrorTip]="'users.passwordMismatch' | t">
          <input nz-input id="password-confirm" type="password" formControlName="confirm" autocomplete="new-password" />
        </nz-form-control>
      </nz-form-item>
      <button type="submit" nz-button nzType="primary" id="password-submit" [nzLoading]="saving()">
        {{ 'settings.changePassword' | t }}
      </button>
    </form>
  `,
  styles: `
    nz-alert {
      margin-bottom: 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChangePasswordForm {
  private readonly api = inject(UsersApi);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);
  private readonly message = inject(NzMessageService);
  private readonly i18n = inject(I18nService);
  protected readonly limits = PASSWORD;
  protected readonly saving = signal(false);
  protected readonly failure = signal<string | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      // The current password is only compared, so only the API's length cap applies.
      current: ['', [Validators.required, Validators.maxLength(PASSWORD.max)]],
      password: ['', passwordValidators],
      confirm: ['', passwordValidators],
    },
    { validators: samePassword() },
  );

  protected async save(): Promise<void> {
    this.failure.set(null);
    if (this.form.invalid) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    const { current, password } = this.form.getRawValue();
    this.saving.set(true);
    try {
      await this.api.changeOwnPassword(
        { currentPassword: current, newPassword: password },
        { context: new HttpContext().set(SILENT_ERRORS, true) },
      );
      this.message.success(this.i18n.t('settings.passwordChanged'));
      await this.auth.logout();
      await this.router.navigate(['/login']);
    } catch (error) {
      const body = error instanceof HttpErrorResponse ? apiError(error) : null;
      const fields = (body?.details?.['errors'] as Array<{ field?: string }> | undefined) ?? [];
      if (fields.some((f) => f.field === 'currentPassword')) {
        this.form.controls.current.setErrors({ wrong: true });
        this.form.controls.current.markAsDirty();
      } else {
        this.failure.set(body?.message ?? this.i18n.t('error.unknown'));
      }
    } finally {
      this.saving.set(false);
    }
  }
}
