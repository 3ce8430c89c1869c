import { createHash, randomBytes } from 'node:crypto';

/** An opaque random token (refresh tokens, enrollment tokens, agent secrets). */
export function randomToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/**
 * Tokens are high-entropy, so a fast hash is enough to make a leaked table useless; argon2 would
 * only slow every refresh.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
