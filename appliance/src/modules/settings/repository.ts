import type { Conn } from '../../db/database.ts';

/** Reads a setting, or creates it with `make()` when absent; concurrent starts agree on one value. */
export async function getOrCreateSetting<T>(db: Conn, key: string, make: () => T): Promise<T> {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(make()), updated_at: new Date() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return row.value as T;
}
