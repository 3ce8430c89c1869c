/**
 * Signing a browser context in without the login form: the console keeps its session in
 * localStorage `paddock.session` = {accessToken, refreshToken, expiresAt} (see
 * web/src/app/core/auth/session.store.ts), so tokens from an API login are put there before the
 * console's first script runs. The real form is exercised by e2e/harness.spec.ts and the login spec.
 */
import type { BrowserContext } from '@playwright/test';
import type { TokenPair } from '@paddock/protocol/api/auth';

export const SESSION_KEY = 'paddock.session';

/**
 * Seeds the session into every page of `context` on its first document of `origin`, once per tab:
 * a reload or a navigation after the console signed out must not sign it back in, so a
 * sessionStorage mark (which survives reloads, per tab) records that the seed was planted.
 */
export async function seedSession(context: BrowserContext, origin: string, tokens: TokenPair): Promise<void> {
  const session = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
  };
  await context.addInitScript(
    ({ key, value, origin: wanted }) => {
      // about:blank and other origins have no storage of the console's (and may throw on access).
      if (window.location.origin !== wanted) return;
      try {
        if (window.sessionStorage.getItem('e2e.session-seeded')) return;
        window.localStorage.setItem(key, value);
        window.sessionStorage.setItem('e2e.session-seeded', '1');
      } catch {
        // Storage disabled: the spec will see the login page and say so.
      }
    },
    { key: SESSION_KEY, value: JSON.stringify(session), origin },
  );
}
