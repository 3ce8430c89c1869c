import { type Kysely, sql, type Transaction, type Updateable } from 'kysely';
import type { DB, VmTable } from '../../db/database.ts';
import { type ListParams, type ListSpec, runList } from '../../db/list-query.ts';

type Conn = Kysely<DB> | Transaction<DB>;

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
};

export const listVms = (db: Conn, params: ListParams) =>
  runList(db.selectFrom('vms').selectAll(), vmListSpec, params);
export const findVm = (db: Conn, id: string) =>
  db.selectFrom('vms').selectAll().where('id', '=', id).executeTakeFirst();
export const findVmByUuid = (db: Conn, uuid: string) =>
  db.selectFrom('vms').selectAll().where('uuid', '=', uuid).executeTakeFirst();
export const findVmByName = (db: Conn, name: string) =>
  db.selectFrom('vms').selectAll().where(sql`lower(name)`, '=', name.toLowerCase()).executeTakeFirst();
export const vmsOnNode = (db: Conn, nodeId: string) =>
  db.selectFrom('vms').selectAll().where('node_id', '=', nodeId).execute();

export async function updateVm(db: Conn, id: string, changes: Updateable<VmTable>) {
  await db
    .updateTable('vms')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}
