import type { Transaction, Updateable } from 'kysely';
import type { Conn, DB, NodeRow, NodeTable } from '../db/database.ts';

/*
 * The node rows an agent's life cycle writes: the node itself, its status changes, its
 * credentials and enrollment tokens. Below both agents/ (sessions) and modules/nodes (admin).
 */

export function findNode(db: Conn, id: string): Promise<NodeRow | undefined> {
  return db.selectFrom('nodes').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findNodeByHostname(db: Conn, hostname: string): Promise<NodeRow | undefined> {
  return db.selectFrom('nodes').selectAll().where('hostname', '=', hostname).executeTakeFirst();
}

export async function insertNode(db: Conn, node: { id: string; hostname: string }): Promise<void> {
  await db
    .insertInto('nodes')
    .values({ ...node, status: 'offline', labels: '{}', meta: '{}', metrics: '{}', updated_at: new Date() })
    .execute();
}

export async function updateNode(db: Conn, id: string, changes: Updateable<NodeTable>) {
  await db.updateTable('nodes').set(changes).where('id', '=', id).execute();
}

/** Moves a node to a new status and records the change; no-op when it already has it. */
export async function setNodeStatus(db: Conn, id: string, to: string, reason: string): Promise<boolean> {
  const row = await db
    .selectFrom('nodes')
    .select('status')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.status === to) return false;
  await db.updateTable('nodes').set({ status: to, updated_at: new Date() }).where('id', '=', id).execute();
  await db
    .insertInto('node_status_events')
    .values({ node_id: id, from_status: row.status, to_status: to, reason })
    .execute();
  return true;
}

/** Online nodes whose last heartbeat is older than `cutoff`. */
export function staleOnlineNodes(db: Conn, cutoff: Date) {
  return db
    .selectFrom('nodes')
    .select(['id', 'hostname'])
    .where('status', '=', 'online')
    .where((eb) => eb.or([eb('last_heartbeat', '<', cutoff), eb('last_heartbeat', 'is', null)]))
    .execute();
}

/** Claims an unused, unexpired enrollment token; undefined when there is none. */
export async function claimEnrollmentToken(db: Transaction<DB>, tokenHash: string) {
  const row = await db
    .selectFrom('enrollment_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.used_at || new Date(row.expires_at).getTime() <= Date.now()) return undefined;
  return row;
}

export async function markEnrollmentTokenUsed(db: Conn, id: string, nodeId: string) {
  await db
    .updateTable('enrollment_tokens')
    .set({ used_at: new Date(), node_id: nodeId })
    .where('id', '=', id)
    .execute();
}

export async function insertCredential(
  db: Conn,
  row: { id: string; node_id: string; secret_hash: string; expires_at: Date | null },
) {
  await db.insertInto('agent_credentials').values(row).execute();
}

export function findCredential(db: Conn, id: string) {
  return db.selectFrom('agent_credentials').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function revokeCredentials(db: Conn, nodeId: string): Promise<number> {
  const r = await db
    .updateTable('agent_credentials')
    .set({ revoked_at: new Date() })
    .where('node_id', '=', nodeId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function touchCredential(db: Conn, id: string) {
  await db.updateTable('agent_credentials').set({ last_used_at: new Date() }).where('id', '=', id).execute();
}
