import { timingSafeEqual } from 'node:crypto';
import { hashToken } from '../modules/auth/tokens.ts';

/**
 * Agent credentials look like `pdn_<credential id>.<secret>`: the id finds the row, the secret is
 * compared by hash in constant time. Only the hash is stored.
 */
export function makeCredential(): { id: string; secret: string; credential: string; secretHash: string } {
  const id = crypto.randomUUID();
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  return { id, secret, credential: `pdn_${id}.${secret}`, secretHash: hashToken(secret) };
}

/** Splits a presented credential; undefined when it is not even shaped like one. */
export function parseCredential(value: string): { id: string; secret: string } | undefined {
  const match = /^pdn_([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(value);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

/** Whether a secret matches a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
