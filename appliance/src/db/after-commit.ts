import type { Kysely, Transaction } from 'kysely';
import type { DB } from './database.ts';

const pending = new WeakMap<Transaction<DB>, Array<() => void>>();

/**
 * Runs `fn` in a transaction and, once it has committed, the hooks registered with `afterCommit`
 * on it (never after a rollback).
 */
export async function transact<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  const hooks: Array<() => void> = [];
  const result = await db.transaction().execute((trx) => {
    pending.set(trx, hooks);
    return fn(trx);
  });
  for (const hook of hooks) hook();
  return result;
}

/**
 * Calls `hook` once `conn`'s work is committed: at once outside a transaction, after the commit
 * inside one opened by `transact`. In any other transaction the hook is dropped, so use it only
 * for things that merely speed up what happens anyway (e.g. waking a worker NOTIFY would wake) or
 * that nothing depends on (a console's live update: it reloads what it shows after a resync).
 */
export function afterCommit(conn: Kysely<DB> | Transaction<DB>, hook: () => void): void {
  if (!conn.isTransaction) hook();
  else pending.get(conn as Transaction<DB>)?.push(hook);
}
