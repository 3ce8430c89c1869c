/**
 * argon2id with OWASP's minimum (19 MiB, 2 passes): Bun ships it natively, so no addon to build.
 */
const OPTIONS = { algorithm: 'argon2id', memoryCost: 19456, timeCost: 2 } as const;

/** Hashes a password for storage. */
export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, OPTIONS);
}

// Verified against when the user does not exist, so a login for a missing user costs as much as one
// for an existing user and timing does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;

/** Checks a password; pass `undefined` as the hash for a user that does not exist. */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('paddock-dummy-password');
    await Bun.password.verify(password, await dummyHash).catch(() => false);
    return false;
  }
  return Bun.password.verify(password, hash).catch(() => false);
}

/** A random password for the first admin when none is configured. */
export function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return Buffer.from(bytes).toString('base64url');
}
