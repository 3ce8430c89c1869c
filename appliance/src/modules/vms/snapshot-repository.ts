import type { Insertable } from 'kysely';
import type { Conn, SnapshotTable } from '../../db/database.ts';

export const snapshotsOfVm = (db: Conn, vmId: string) =>
  db.selectFrom('snapshots').selectAll().where('vm_id', '=', vmId).orderBy('created_at').execute();
export const findSnapshot = (db: Conn, id: string) =>
  db.selectFrom('snapshots').selectAll().where('id', '=', id).executeTakeFirst();
/** A snapshot by id, only if it belongs to this VM. */
export const findSnapshotOfVm = (db: Conn, vmId: string, id: string) =>
  db.selectFrom('snapshots').selectAll().where('id', '=', id).where('vm_id', '=', vmId).executeTakeFirst();
export const snapshotNameTaken = (db: Conn, vmId: string, name: string) =>
  db
    .selectFrom('snapshots')
    .select('id')
    .where('vm_id', '=', vmId)
    .where('name', '=', name)
    .executeTakeFirst()
    .then(Boolean);

export async function insertSnapshot(db: Conn, row: Insertable<SnapshotTable>) {
  await db.insertInto('snapshots').values(row).execute();
}

export async function setSnapshotStatus(db: Conn, id: string, status: string) {
  await db.updateTable('snapshots').set({ status }).where('id', '=', id).execute();
}

export async function deleteSnapshot(db: Conn, id: string) {
  await db.deleteFrom('snapshots').where('id', '=', id).execute();
}
