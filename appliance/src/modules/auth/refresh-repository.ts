import type { Transaction } from 'kysely';
import type { Conn, DB, RefreshTokenRow } from '../../db/database.ts';
import { notifyAccessChanged } from './access-changes.ts';

export async function insertRefreshToken(
  db: Conn,
  token: {
    id: string;
    user_id: string;
    family_id: string;
    token_hash: string;
    expires_at: Date;
    created_ip: string | null;
  },
): Promise<void> {
  await db.insertInto('refresh_tokens').values(token).execute();
}

/** Locks the row so two concurrent refreshes of one token cannot both succeed. */
export function findRefreshTokenForUpdate(
  db: Transaction<DB>,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  return db
    .selectFrom('refresh_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .forUpdate()
    .executeTakeFirst();
}

export async function markReplaced(db: Conn, id: string, replacedBy: string): Promise<void> {
  await db.updateTable('refresh_tokens').set({ replaced_by: replacedBy }).where('id', '=', id).execute();
}

/** Revokes every token descended from one login. */
export async function revokeFamily(db: Conn, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
  await notifyAccessChanged(db);
}

/**
 * Whether the login `familyId` started has ended (signed out, or revoked for reuse, a password
 * change or disabling): revocation marks every token of the family, rotation none.
 */
export async function familyRevoked(db: Conn, familyId: string): Promise<boolean> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select('id')
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Revokes all of a user's sessions (password change, disabling). */
export async function revokeAllForUser(db: Conn, userId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  await notifyAccessChanged(db);
}

/** Drops tokens expired for over a day; rows are kept that long to detect reuse. */
export async function purgeExpired(db: Conn): Promise<void> {
  await db
    .deleteFrom('refresh_tokens')
    .where('expires_at', '<', new Date(Date.now() - 24 * 3600 * 1000))
    .execute();
}
