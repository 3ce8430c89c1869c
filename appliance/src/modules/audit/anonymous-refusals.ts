import type { Kysely } from 'kysely';
import type { CounterStore } from '../../cache/counter-store.ts';
import type { DB } from '../../db/database.ts';
import type { Actor } from './actor.ts';
import { type AuditTarget, writeAudit } from './service.ts';

/** How many refusals of unauthenticated callers get a row of their own per window. */
export const ANONYMOUS_REFUSALS = { perAddress: 10, total: 100, windowSec: 60 } as const;

/**
 * Records the refusal of a caller nobody authenticated, within a budget. Anyone can send such
 * requests as fast as they like, so one row each would let a flood fill the table (and the disk):
 * the first few per address and window are kept whole, then one row says that further ones are not
 * recorded until the window ends; a cap over all addresses bounds a flood from many addresses too.
 */
export async function auditAnonymousRefusal(
  db: Kysely<DB>,
  counters: CounterStore,
  actor: Actor,
  target: AuditTarget,
  outcome: 'failure' | 'denied',
): Promise<void> {
  const { perAddress, total, windowSec } = ANONYMOUS_REFUSALS;
  const addressKey = `audit:anonymous:${actor.ip ?? 'unknown'}`;
  const mine = await counters.hit(addressKey, windowSec);
  if (mine > perAddress + 1) return;
  const all = await counters.hit('audit:anonymous', windowSec);
  if (all > total + 1) return;
  const scope = all > total ? 'all addresses' : mine > perAddress ? 'this address' : undefined;
  if (!scope) return writeAudit(db, actor, target, outcome);
  const forSec = await counters.ttl(all > total ? 'audit:anonymous' : addressKey);
  const suppressed = { scope, forSec, reason: 'too many refused unauthenticated requests' };
  return writeAudit(db, actor, { ...target, detail: { ...target.detail, suppressed } }, outcome);
}
