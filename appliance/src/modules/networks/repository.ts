import { type Insertable, sql } from 'kysely';
import type { Conn, NetworkTable } from '../../db/database.ts';
import { type ListParams, type ListSpec, runList } from '../../db/list-query.ts';

export const networkListSpec: ListSpec = {
  sortable: { id: 'id', name: 'name', createdAt: 'created_at' },
  defaultSort: { field: 'name', dir: 'asc' },
  searchable: ['name'],
  filters: { type: 'type' },
};

export const listNetworks = (db: Conn, params: ListParams) =>
  runList(db.selectFrom('networks').selectAll(), networkListSpec, params);
export const findNetwork = (db: Conn, id: string) =>
  db.selectFrom('networks').selectAll().where('id', '=', id).executeTakeFirst();
export const networkExists = (db: Conn, id: string) =>
  db.selectFrom('networks').select('id').where('id', '=', id).executeTakeFirst().then(Boolean);
export const networkNameTaken = (db: Conn, name: string) =>
  db.selectFrom('networks').select('id').where('name', '=', name).executeTakeFirst().then(Boolean);

export async function insertNetwork(db: Conn, row: Insertable<NetworkTable>) {
  await db.insertInto('networks').values(row).execute();
}

export async function deleteNetwork(db: Conn, id: string) {
  await db.deleteFrom('networks').where('id', '=', id).execute();
}

/** The names of the VMs with a NIC on this network. */
export async function vmNamesOnNetwork(db: Conn, networkId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('vms')
    .select('name')
    .where(sql<boolean>`network_interfaces @> ${JSON.stringify([{ networkId }])}::jsonb`)
    .execute();
  return rows.map((r) => r.name);
}

/** The Linux bridge a network binds to, or undefined when the network is gone. */
export async function bridgeOfNetwork(db: Conn, networkId: string): Promise<string | undefined> {
  const row = await db.selectFrom('networks').select('meta').where('id', '=', networkId).executeTakeFirst();
  return (row?.meta as { bridge?: string } | undefined)?.bridge;
}
