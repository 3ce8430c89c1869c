// GET /api/vms over 25,000 VMs on both databases, in one run. Each list shape (first page, a deep
// page, a status filter sorted by creation, one node's VMs, a name search, a tag) is timed through the
// API (auth, validation, serialization: the whole request) against its baseline: the same list's
// database work alone (the repository's rows + count queries on the same connection).
// Usage: bun bench/vm-list-25k.ts   (BENCH_VMS, default 25000; needs PostgreSQL on 127.0.0.1)
import { sql } from 'kysely';
import { listVms } from '../appliance/src/modules/vms/repository.ts';
import { createTestApp, type Dialect } from '../appliance/test/support/test-app.ts';
import { fmt, percentile } from './support.ts';

const VMS = Number(process.env.BENCH_VMS ?? 25_000);
const NODES = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);

// Inserted in SQL: 25,000 creations through the API would be 25,000 tasks against libvirt.
const SEED = (n: number) => sql`
  WITH n AS (
    INSERT INTO nodes (id, hostname, status, cpu_total, mem_total, updated_at)
    SELECT gen_random_uuid(), 'hv-' || g, 'online', 64, 512 * 1024::bigint ^ 3, now()
    FROM generate_series(1, ${NODES}) g RETURNING id
  ), numbered AS (SELECT id, row_number() OVER () AS k FROM n)
  INSERT INTO vms (id, uuid, name, description, node_id, status, vcpu, memory_mb, tags, created_at, updated_at)
  SELECT gen_random_uuid(), gen_random_uuid(), 'vm-' || lpad(g::text, 6, '0') || '-' || md5(g::text),
    'bench VM ' || g, (SELECT id FROM numbered WHERE k = 1 + g % ${NODES}),
    (ARRAY['running', 'stopped', 'paused', 'error'])[1 + g % 4], 1 + g % 8, 512 * (1 + g % 16),
    jsonb_build_array('team-' || g % 20, 'bench'), now() - make_interval(secs => g), now()
  FROM generate_series(1, ${n}) g`;

async function benchDialect(dialect: Dialect) {
  const t = await createTestApp(dialect);
  try {
    await SEED(VMS).execute(t.ctx.db);
    await sql`ANALYZE`.execute(t.ctx.db);
    const { accessToken: token } = await t.login();
    const nodeId = (await t.ctx.db.selectFrom('nodes').select('id').limit(1).executeTakeFirstOrThrow()).id;
    const shapes: Array<[string, Record<string, string | number>]> = [
      ['first page, by name', { pageSize: 50 }],
      ['page 400 (offset 19,950)', { pageSize: 50, page: 400 }],
      ['status=running, newest first', { pageSize: 50, status: 'running', sort: 'createdAt:desc' }],
      ['one node, by name', { pageSize: 50, nodeId }],
      ['search q=00421', { pageSize: 50, q: '00421' }],
      ['tag=team-7 (1 in 20)', { pageSize: 50, tag: 'team-7' }],
    ];
    const rows = [];
    for (const [label, params] of shapes) {
      const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
      const api: number[] = [];
      const db: number[] = [];
      for (let i = -10; i < ROUNDS; i++) {
        let t0 = performance.now();
        const res = await t.request('GET', `/api/vms?${query}`, { token });
        if (i >= 0) api.push(performance.now() - t0);
        if (res.status !== 200 || res.json.items.length === 0)
          throw new Error(`${label}: ${res.status} ${res.text}`);
        t0 = performance.now();
        await listVms(t.ctx.db, params as never);
        if (i >= 0) db.push(performance.now() - t0);
      }
      api.sort((a, b) => a - b);
      db.sort((a, b) => a - b);
      rows.push({ label, api: percentile(api, 50), db: percentile(db, 50) });
    }
    return rows;
  } finally {
    await t.close();
  }
}

console.log(`\nGET /api/vms over ${VMS} VMs on ${NODES} nodes, p50 of ${ROUNDS} sequential requests (warm)`);
console.log('  (baseline: the same list queries straight through the repository: rows + count)');
for (const dialect of ['postgres', 'pglite'] as const) {
  for (const r of await benchDialect(dialect)) {
    console.log(
      `  ${dialect.padEnd(8)} ${r.label.padEnd(30)} API ${fmt(r.api).padStart(6)} ms   | queries alone ${fmt(r.db).padStart(6)} ms   | ratio ${fmt(r.api / r.db)}x`,
    );
  }
}
process.exit(0);
