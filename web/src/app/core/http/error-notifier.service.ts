import type { HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ApiErrorBody } from '@paddock/protocol/api/errors';
import { NzNotificationService } from 'ng-zorro-antd/notification';
import type { MessageKey } from '../i18n/dictionaries/en';
import { I18nService } from '../i18n/i18n.service';

/** The appliance's own error, when the response carries one. */
export function apiError(response: HttpErrorResponse): ApiErrorBody['error'] | null {
  const body = response.error as Partial<ApiErrorBody> | null;
  return body && typeof body === 'object' && body.error && typeof body.error.message === 'string'
    ? body.error
    : null;
}

/** Translated summary for an HTTP failure, chosen by status. */
export function errorSummaryKey(status: number): MessageKey {
  if (status === 0) return 'error.network';
  if (status === 401) return 'error.unauthorized';
  if (status === 403) return 'error.forbidden';
  if (status === 404) return 'error.notFound';
  if (status === 409) return 'error.conflict';
  if (status === 429) return 'error.tooMany';
  if (status === 400 || status === 422) return 'error.badRequest';
  if (status >= 500) return 'error.server';
  return 'error.unknown';
}

/** Tells the person what failed: a translated summary, the appliance's message as the detail. */
@Injectable({ providedIn: 'root' })
export class ErrorNotifier {
  private readonly notification = inject(NzNotificationService);
  private readonly i18n = inject(I18nService);

  httpError(response: HttpErrorResponse): void {
    const server = apiError(response);
    const detail = server ? `${server.message} (${server.code})` : response.message;
    this.notification.error(this.i18n.t(errorSummaryKey(response.status)), detail, {
      nzKey: `http-${response.status}-${server?.code ?? ''}`,
    });
  }

  sessionExpired(): void {
    this.notification.warning(this.i18n.t('error.sessionExpired'), '', { nzKey: 'session-expired' });
  }
}
