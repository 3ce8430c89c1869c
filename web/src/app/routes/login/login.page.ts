import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router } from '@angular/router';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzInputModule } from 'ng-zorro-antd/input';
import { AuthService } from '../../core/auth/auth.service';
import { apiError, errorSummaryKey } from '../../core/http/error-notifier.service';
import type { MessageKey } from '../../core/i18n/dictionaries/en';
import { TranslatePipe } from '../../shared/translate.pipe';

interface LoginFailure {
  summary: MessageKey;
  detail: string;
}

/** Sign-in form; failures are shown inside the form rather than as a notification. */
@Component({
  selector: 'pd-login-page',
  imports: [
    NzAlertModule,
    NzButtonModule,
    NzFormModule,
    NzIconModule,
    NzInputModule,
    ReactiveFormsModule,
    TranslatePipe,
  ],
  templateUrl: './login.page.html',
  styles: `
    h2 {
      margin-bottom: 24px;
      font-weight: 600;
    }
    nz-alert {
      margin-bottom: 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  /** Where the guard was sending the person (query parameter, bound by the router). */
  readonly returnUrl = input<string>();

  protected readonly submitting = signal(false);
  protected readonly failure = signal<LoginFailure | null>(null);
  protected readonly form = inject(NonNullableFormBuilder).group({
    username: ['', Validators.required],
    password: ['', Validators.required],
  });

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsDirty();
      this.form.updateValueAndValidity();
      return;
    }
    this.submitting.set(true);
    this.failure.set(null);
    try {
      const { username, password } = this.form.getRawValue();
      await this.auth.login(username, password);
      await this.router.navigateByUrl(this.safeReturnUrl());
    } catch (error) {
      this.failure.set(describeFailure(error));
      this.form.controls.password.reset();
    } finally {
      this.submitting.set(false);
    }
  }

  /** Only in-app paths, so a crafted link cannot send a fresh session elsewhere. */
  private safeReturnUrl(): string {
    const url = this.returnUrl();
    return url?.startsWith('/') && !url.startsWith('//') ? url : '/dashboard';
  }
}

function describeFailure(error: unknown): LoginFailure {
  if (!(error instanceof HttpErrorResponse)) return { summary: 'login.failed', detail: String(error) };
  const server = apiError(error);
  const summary: MessageKey =
    server?.code === 'INVALID_CREDENTIALS'
      ? 'login.invalidCredentials'
      : server?.code === 'TOO_MANY_ATTEMPTS'
        ? 'login.tooManyAttempts'
        : errorSummaryKey(error.status);
  return { summary, detail: server?.message ?? error.message };
}
