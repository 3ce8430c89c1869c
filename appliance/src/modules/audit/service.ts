import { transact } from '../../db/after-commit.ts';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/database.ts';
import type { Actor } from './actor.ts';
import type { ListParams } from '../../db/list-query.ts';
import { invalidField } from '../../errors.ts';
import { deleteAuditLogsBefore, insertAuditLog, listAuditLogs } from './repository.ts';

/** What changed, for the audit record. */
export interface AuditTarget {
  targetType?: string;
  targetId?: string | null;
  detail?: Record<string, unknown>;
  /** Overrides the route's action, e.g. `vm.start` under the `vms:operate` permission. */
  action?: string;
}

/** Records a successful change; call it inside the change's transaction. */
export function auditSuccess(
  trx: Transaction<DB> | Kysely<DB>,
  actor: Actor,
  target: AuditTarget,
): Promise<void> {
  return writeAudit(trx, actor, target, 'success');
}

/** Records a change that was refused or failed (outside any rolled-back transaction). */
export function writeAudit(
  db: Transaction<DB> | Kysely<DB>,
  actor: Actor,
  target: AuditTarget,
  outcome: 'success' | 'failure' | 'denied',
): Promise<void> {
  return insertAuditLog(db, {
    user_id: actor.userId,
    username: actor.username,
    action: target.action ?? actor.action,
    target_type: target.targetType ?? null,
    target_id: target.targetId ?? null,
    detail: target.detail ?? {},
    source_ip: actor.ip,
    outcome,
    request_id: actor.requestId,
  });
}

/**
 * Runs a change and its audit record in one transaction: either both are written or neither.
 * `fn` returns the result and the audit target it produced.
 */
export async function auditedChange<T>(
  db: Kysely<DB>,
  actor: Actor,
  fn: (trx: Transaction<DB>) => Promise<{ result: T; audit: AuditTarget }>,
): Promise<T> {
  return transact(db, async (trx) => {
    const { result, audit } = await fn(trx);
    await auditSuccess(trx, actor, audit);
    return result;
  });
}

/** A page of the audit log, newest first, as the API shows it. */
export async function searchAudit(db: Kysely<DB>, query: ListParams & { from?: string; to?: string }) {
  if (query.from && query.to && query.from > query.to) throw invalidField('from', 'must not be after "to"');
  const page = await listAuditLogs(db, query);
  return {
    ...page,
    items: page.items.map((r) => ({
      id: Number(r.id),
      userId: r.user_id,
      username: r.username,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      detail: r.detail,
      sourceIp: r.source_ip,
      outcome: r.outcome,
      requestId: r.request_id,
      timestamp: new Date(r.timestamp).toISOString(),
    })),
  };
}

/**
 * Deletes records older than the retention, in batches so no single statement locks or bloats the
 * table for long, and at most `maxBatches` per call so a large backlog is worked off over several
 * runs instead of in one long one. Returns how many records went; 0 days keeps everything.
 */
export async function pruneAuditLog(
  db: Kysely<DB>,
  retentionDays: number,
  { batchSize = 5000, maxBatches = 20 } = {},
): Promise<number> {
  if (retentionDays <= 0) return 0;
  const before = new Date(Date.now() - retentionDays * 86_400_000);
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const n = await deleteAuditLogsBefore(db, before, batchSize);
    deleted += n;
    if (n < batchSize) break;
  }
  return deleted;
}
