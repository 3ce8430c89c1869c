import type { Me, TokenPair } from '@paddock/protocol/api/auth';

/** The signed-in user as returned by `GET /api/auth/me` and inside login/refresh responses. */
export type CurrentUser = Me;

/** Body of a successful `POST /api/auth/login` or `POST /api/auth/refresh`. */
export type AuthTokens = TokenPair;

/** What survives a page reload: the tokens, never the password. */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds after which the access token is expected to be rejected. */
  expiresAt: number;
}
