import type { Conn, NewAuditLog } from '../../db/database.ts';
import { type ListParams, type ListSpec, runList } from '../../db/list-query.ts';

/** Appends one audit record. */
export async function insertAuditLog(db: Conn, entry: NewAuditLog): Promise<void> {
  await db.insertInto('audit_logs').values(entry).execute();
}

export const auditListSpec: ListSpec = {
  sortable: { id: 'id', timestamp: 'timestamp', action: 'action', username: 'username', outcome: 'outcome' },
  defaultSort: { field: 'id', dir: 'desc' },
  searchable: ['action', 'username', 'target_id', 'detail'],
  filters: {
    userId: 'user_id',
    username: 'username',
    action: 'action',
    targetType: 'target_type',
    targetId: 'target_id',
    outcome: 'outcome',
  },
};

/** Audit records matching the filters, with an optional time range. */
export function listAuditLogs(db: Conn, params: ListParams & { from?: string; to?: string }) {
  let query = db.selectFrom('audit_logs').selectAll();
  if (params.from) query = query.where('timestamp', '>=', new Date(params.from));
  if (params.to) query = query.where('timestamp', '<=', new Date(params.to));
  return runList(query, auditListSpec, params);
}

/** Deletes up to `limit` of the oldest records older than `before`; returns how many went. */
export async function deleteAuditLogsBefore(db: Conn, before: Date, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('audit_logs')
    .where(
      'id',
      'in',
      db.selectFrom('audit_logs').select('id').where('timestamp', '<', before).orderBy('id').limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
