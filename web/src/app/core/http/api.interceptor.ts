import {
  HttpErrorResponse,
  type HttpHandlerFn,
  type HttpInterceptorFn,
  type HttpRequest,
} from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, from, switchMap, throwError } from 'rxjs';
import { AuthService } from '../auth/auth.service';
import { API_BASE, isAppliancePath } from './api-base';
import { ErrorNotifier } from './error-notifier.service';
import { NO_AUTH_RETRY, SILENT_ERRORS } from './request-flags';

/**
 * The one place that talks to the appliance: resolves the base URL, attaches the bearer token,
 * refreshes it once on a 401 and retries, ends the session when the refresh is refused, and
 * reports other errors to the person.
 */
export const apiInterceptor: HttpInterceptorFn = (req, next) => {
  if (!isAppliancePath(req.url)) return next(req);
  const auth = inject(AuthService);
  const router = inject(Router);
  const notifier = inject(ErrorNotifier);
  const target = req.clone({ url: inject(API_BASE) + req.url });

  const report = (error: unknown) => {
    if (error instanceof HttpErrorResponse && !req.context.get(SILENT_ERRORS)) notifier.httpError(error);
    return throwError(() => error);
  };

  const endSession = () => {
    auth.endSession();
    notifier.sessionExpired();
    // During the first navigation after a reload router.url is still "/": prefer its target.
    const navigation = router.currentNavigation();
    const target = navigation
      ? router.serializeUrl(navigation.finalUrl ?? navigation.extractedUrl)
      : router.url;
    const keep = target !== '/' && target !== '/dashboard' && !target.startsWith('/login');
    void router.navigate(['/login'], { queryParams: keep ? { returnUrl: target } : {} });
  };

  return send(target, next, auth.accessToken()).pipe(
    catchError((error: unknown) => {
      const expired = error instanceof HttpErrorResponse && error.status === 401;
      if (!expired || req.context.get(NO_AUTH_RETRY) || !auth.hasSession()) return report(error);
      return from(auth.refreshAccessToken()).pipe(
        catchError((refreshError: unknown) => {
          // Only a refusal ends the session; an unreachable appliance may come back.
          if (isRefusal(refreshError)) {
            endSession();
            return throwError(() => error);
          }
          return report(refreshError);
        }),
        switchMap((token) => send(target, next, token).pipe(catchError(report))),
      );
    }),
  );
};

function send(req: HttpRequest<unknown>, next: HttpHandlerFn, token: string | null) {
  return next(token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req);
}

function isRefusal(error: unknown): boolean {
  if (!(error instanceof HttpErrorResponse)) return true; // no refresh token left to present
  return error.status >= 400 && error.status < 500 && error.status !== 429;
}
