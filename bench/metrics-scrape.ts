// GET /metrics on PostgreSQL holding many finished tasks (kept forever), 25,000 VMs and 50 nodes:
// the scrape reads nodes, VM counts and active-task counts from the database each time. Printed
// beside two baselines from the same run: the same scrape on an empty database, and the scrape
// with the partial index of active tasks (migration 0003) dropped: what a count over the whole history costs.
// Usage: bun bench/metrics-scrape.ts   (BENCH_TASKS, default 500000; needs PostgreSQL on 127.0.0.1)
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../appliance/test/support/test-app.ts';
import { fmt, percentile } from './support.ts';

const TASKS = Number(process.env.BENCH_TASKS ?? 500_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);

const SEED = (tasks: number) => sql`
  WITH n AS (
    INSERT INTO nodes (id, hostname, status, updated_at)
    SELECT gen_random_uuid(), 'hv-' || g, (ARRAY['online', 'offline'])[1 + g % 2], now()
    FROM generate_series(1, 50) g RETURNING id
  ), v AS (
    INSERT INTO vms (id, uuid, name, node_id, status, vcpu, memory_mb, updated_at)
    SELECT gen_random_uuid(), gen_random_uuid(), 'vm-' || g, (SELECT id FROM n LIMIT 1),
      (ARRAY['running', 'stopped', 'paused', 'error'])[1 + g % 4], 1, 512, now()
    FROM generate_series(1, 25000) g
  )
  INSERT INTO tasks (id, type, status, payload, run_after, updated_at, finished_at)
  SELECT gen_random_uuid(), 'vm.start',
    CASE WHEN g <= 100 THEN 'queued' WHEN g <= 120 THEN 'running'
      ELSE (ARRAY['succeeded', 'failed', 'cancelled'])[1 + g % 3] END,
    '{}', now(), now(), CASE WHEN g > 120 THEN now() END
  FROM generate_series(1, ${tasks}) g`;

async function scrapeP50(t: TestApp): Promise<number> {
  const times: number[] = [];
  for (let i = -10; i < ROUNDS; i++) {
    const t0 = performance.now();
    const res = await t.request('GET', '/metrics');
    if (i >= 0) times.push(performance.now() - t0);
    if (res.status !== 200 || !res.text.includes('paddock_tasks{')) throw new Error(`scrape: ${res.status}`);
  }
  times.sort((a, b) => a - b);
  return percentile(times, 50);
}

const empty = await createTestApp('postgres');
const emptyMs = await scrapeP50(empty).finally(() => empty.close());

const t = await createTestApp('postgres');
try {
  const t0 = performance.now();
  await SEED(TASKS).execute(t.ctx.db);
  await sql`ANALYZE`.execute(t.ctx.db);
  console.log(`\nseeded ${TASKS} tasks, 25000 VMs, 50 nodes in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  const indexedMs = await scrapeP50(t);
  await sql`DROP INDEX tasks_active_idx`.execute(t.ctx.db);
  const unindexedMs = await scrapeP50(t);
  console.log(`GET /metrics, p50 of ${ROUNDS} sequential scrapes (warm), PostgreSQL`);
  console.log(`  empty database                                   ${fmt(emptyMs)} ms   (baseline)`);
  console.log(`  ${TASKS} tasks, with tasks_active_idx          ${fmt(indexedMs)} ms`);
  console.log(`  ${TASKS} tasks, index dropped (whole history) ${fmt(unindexedMs)} ms`);
} finally {
  await t.close();
}
