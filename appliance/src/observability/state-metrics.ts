import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/database.ts';
import type { AppMetrics } from './metrics.ts';

const NODE_STATUSES = ['online', 'offline', 'maintenance'];
const ACTIVE_TASK_STATUSES = ['queued', 'running'];

/**
 * Fills the node, VM and task gauges from the database before each scrape. Three aggregate
 * statements run side by side; none reads more than the nodes table, the VM status index and the
 * partial index of active tasks, so a scrape costs the same with a million finished tasks.
 */
export function collectStateMetrics(db: Kysely<DB>, metrics: AppMetrics): void {
  const { nodeUp, nodes, vms, tasks } = metrics.state;
  metrics.registry.onCollect(async () => {
    const read = Promise.all([
      db.selectFrom('nodes').select(['id', 'hostname', 'status']).execute(),
      db
        .selectFrom('vms')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .groupBy('status')
        .execute(),
      db
        .selectFrom('tasks')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .where('status', 'in', ACTIVE_TASK_STATUSES)
        .groupBy('status')
        .execute(),
    ]);
    const gauges = [nodeUp, nodes, vms, tasks];
    // When the database does not answer, no figure at all is better than a stale one.
    const [nodeRows, vmRows, taskRows] = await read.catch((error: unknown) => {
      for (const gauge of gauges) gauge.reset();
      throw error;
    });
    // Reset and refill with no await between: a removed node's series ends, and a scrape served
    // meanwhile (two Prometheus servers) never renders the gauges half-filled.
    for (const gauge of gauges) gauge.reset();
    const byStatus = new Map(NODE_STATUSES.map((status) => [status, 0]));
    for (const n of nodeRows) {
      nodeUp.set(n.status === 'online' ? 1 : 0, { node: n.hostname, node_id: n.id });
      byStatus.set(n.status, (byStatus.get(n.status) ?? 0) + 1);
    }
    for (const [status, count] of byStatus) nodes.set(count, { status });
    for (const v of vmRows) vms.set(Number(v.n), { status: v.status });
    for (const status of ACTIVE_TASK_STATUSES) tasks.set(0, { status });
    for (const t of taskRows) tasks.set(Number(t.n), { status: t.status });
  });
}
