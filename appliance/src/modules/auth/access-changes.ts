import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/database.ts';

/** The NOTIFY channel on which a change to who may do what reaches every replica's open streams. */
export const ACCESS_CHANNEL = 'paddock_access';

/**
 * Announces, once the caller's transaction commits, that someone's access may have narrowed (user
 * disabled or deleted, roles or grants changed, a session ended): every replica sharing the
 * database re-checks its event streams and consoles at once rather than at its next periodic check.
 */
export async function notifyAccessChanged(db: Kysely<DB> | Transaction<DB>): Promise<void> {
  await sql`SELECT pg_notify(${ACCESS_CHANNEL}, '')`.execute(db);
}
