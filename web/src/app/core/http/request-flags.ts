import { HttpContext, HttpContextToken } from '@angular/common/http';

/** The caller shows the error itself (e.g. the login form), so the interceptor stays quiet. */
export const SILENT_ERRORS = new HttpContextToken<boolean>(() => false);

/** Auth endpoints: a 401 here means bad credentials or a dead session, never "refresh and retry". */
export const NO_AUTH_RETRY = new HttpContextToken<boolean>(() => false);

/** Context for calls to /api/auth/*: no refresh loop, errors handled by the caller. */
export function authCallContext(): HttpContext {
  return new HttpContext().set(SILENT_ERRORS, true).set(NO_AUTH_RETRY, true);
}
