import { type Insertable, sql, type Transaction, type Updateable } from 'kysely';
import type { Conn, DB, VmTable } from '../../db/database.ts';
import { type ListParams, type ListSpec, runList } from '../../db/list-query.ts';

export const vmListSpec: ListSpec = {
  sortable: {
    id: 'id',
    name: 'name',
    status: 'status',
    createdAt: 'created_at',
    vcpu: 'vcpu',
    memoryMb: 'memory_mb',
  },
  defaultSort: { field: 'name', dir: 'asc' },
  searchable: ['name', 'description'],
  filters: { status: 'status', nodeId: 'node_id', managed: 'managed' },
  arrayFilters: { tag: 'tags' }, // GIN index: migration 0003
  trigramSearch: true, // migration 0002
};

export const listVms = (db: Conn, params: ListParams) =>
  runList(db.selectFrom('vms').selectAll(), vmListSpec, params, db);
export const findVm = (db: Conn, id: string) =>
  db.selectFrom('vms').selectAll().where('id', '=', id).executeTakeFirst();
/** Locks the VM's row for the rest of the transaction, so two changes to one VM queue up. */
export const findVmForUpdate = (db: Transaction<DB>, id: string) =>
  db.selectFrom('vms').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
export const findVmByUuid = (db: Conn, uuid: string) =>
  db.selectFrom('vms').selectAll().where('uuid', '=', uuid).executeTakeFirst();
export const findVmByName = (db: Conn, name: string) =>
  db.selectFrom('vms').selectAll().where(sql`lower(name)`, '=', name.toLowerCase()).executeTakeFirst();
/** Those of these ids that name a VM. */
export const existingVmIds = (db: Conn, ids: string[]) =>
  db
    .selectFrom('vms')
    .select('id')
    .where('id', 'in', ids)
    .execute()
    .then((rows) => new Set(rows.map((r) => r.id)));
export const vmsOnNode = (db: Conn, nodeId: string) =>
  db.selectFrom('vms').selectAll().where('node_id', '=', nodeId).execute();

/** Applies `changes`; the row as it now is, or undefined when the VM is gone. */
export function updateVm(db: Conn, id: string, changes: Updateable<VmTable>) {
  return db
    .updateTable('vms')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Adds a VM row; a domain found twice (same UUID) is kept once. */
export async function insertVm(db: Conn, row: Insertable<VmTable>) {
  await db
    .insertInto('vms')
    .values(row)
    .onConflict((oc) => oc.column('uuid').doNothing())
    .execute();
}

export async function deleteVm(db: Conn, id: string) {
  await db.deleteFrom('vms').where('id', '=', id).execute();
}
