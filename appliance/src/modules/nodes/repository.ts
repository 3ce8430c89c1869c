import { sql } from 'kysely';
import type { Conn, NodeRow } from '../../db/database.ts';
import { type ListParams, type ListSpec, runList } from '../../db/list-query.ts';

export const nodeListSpec: ListSpec = {
  sortable: {
    id: 'id',
    hostname: 'hostname',
    status: 'status',
    createdAt: 'created_at',
    lastHeartbeat: 'last_heartbeat',
    memTotal: 'mem_total',
    cpuUsed: 'cpu_used',
  },
  defaultSort: { field: 'hostname', dir: 'asc' },
  searchable: ['hostname', 'ip', 'labels'],
  filters: { status: 'status', maintenance: 'maintenance', virtType: 'virt_type' },
};

export function listNodes(db: Conn, params: ListParams) {
  return runList(db.selectFrom('nodes').selectAll(), nodeListSpec, params);
}

export function findNodes(db: Conn, ids: string[]): Promise<NodeRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('nodes').selectAll().where('id', 'in', ids).execute();
}

/** VMs per node for the given nodes (one grouped query on the node index; absent = none). */
export async function vmCounts(db: Conn, nodeIds: string[]): Promise<Map<string, number>> {
  if (nodeIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('vms')
    .select(['node_id', sql<number>`count(*)`.as('n')])
    .where('node_id', 'in', nodeIds)
    .groupBy('node_id')
    .execute();
  return new Map(rows.map((r) => [r.node_id as string, Number(r.n)]));
}

export async function deleteNode(db: Conn, id: string): Promise<void> {
  await db.deleteFrom('nodes').where('id', '=', id).execute();
}

export function statusEvents(db: Conn, nodeId: string, limit = 20) {
  return db
    .selectFrom('node_status_events')
    .selectAll()
    .where('node_id', '=', nodeId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export function countVmsOnNode(db: Conn, nodeId: string, { managedOnly = false } = {}) {
  let query = db.selectFrom('vms').select(sql<number>`count(*)`.as('n')).where('node_id', '=', nodeId);
  if (managedOnly) query = query.where('managed', '=', true);
  return query.executeTakeFirst().then((r) => Number(r?.n ?? 0));
}

/** Deletes the unmanaged VM records of a node; returns their ids. */
export async function deleteUnmanagedVms(db: Conn, nodeId: string): Promise<string[]> {
  const rows = await db
    .deleteFrom('vms')
    .where('node_id', '=', nodeId)
    .where('managed', '=', false)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function insertEnrollmentToken(
  db: Conn,
  row: { id: string; token_hash: string; created_by: string | null; expires_at: Date; node_id?: string },
) {
  await db.insertInto('enrollment_tokens').values(row).execute();
}
