// Appliance core benchmarks (issue: appliance core). Each figure is printed beside a baseline
// measured in the same run:
//  1. cold start of dist/paddock (copied alone) to the first 200 /healthz, on PGlite and on
//     PostgreSQL, against a bare `Bun.serve` process started the same way;
//  2. GET /api/users?pageSize=50 over 10,000 users: p50/p99 and requests/s on both databases,
//     against GET /healthz of the same server (the HTTP+auth-free floor).
// Usage: bun bench/appliance-core.ts   (needs dist/paddock: scripts/build.sh)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { apiSession, isolatedBinary } from '../appliance/test/support/served-app.ts';
import { freshDatabase } from '../appliance/test/support/test-app.ts';
import { fmt, load } from './support.ts';

const PASSWORD = 'bench-Admin-pass1';
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000);
const CONCURRENCY = 16;
let port = 19700;

async function waitHealthy(url: string, proc: Bun.Subprocess, started: number): Promise<number> {
  while (performance.now() - started < 60_000) {
    if (proc.exitCode !== null) throw new Error(`process exited with ${proc.exitCode}`);
    if (
      await fetch(url)
        .then((r) => r.status === 200)
        .catch(() => false)
    )
      return performance.now() - started;
    await Bun.sleep(5);
  }
  throw new Error(`${url} never answered 200`);
}

async function startPaddock(dir: string, env: Record<string, string>) {
  const p = port++;
  const started = performance.now();
  const proc = Bun.spawn(
    [join(dir, 'paddock'), 'serve', '--data', join(dir, 'data'), '--port', String(p), '--host', '127.0.0.1'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        PADDOCK_ADMIN_PASSWORD: PASSWORD,
        PADDOCK_LOG_LEVEL: 'warn',
        ...env,
      },
      stdout: 'ignore',
      stderr: 'inherit',
    },
  );
  const url = `http://127.0.0.1:${p}`;
  const ms = await waitHealthy(`${url}/healthz`, proc, started);
  return { proc, url, ms };
}

async function baselineStart(dir: string): Promise<number> {
  const script = join(dir, 'hello.ts');
  const p = port++;
  writeFileSync(script, `Bun.serve({ hostname: '127.0.0.1', port: ${p}, fetch: () => new Response('ok') });`);
  const started = performance.now();
  const proc = Bun.spawn([process.execPath, script], { stdout: 'ignore', stderr: 'inherit' });
  const ms = await waitHealthy(`http://127.0.0.1:${p}/`, proc, started);
  proc.kill();
  await proc.exited;
  return ms;
}

// Creating 10,000 users through the API would spend minutes in argon2; the list benchmark needs
// rows only, so they are inserted in SQL reusing the admin's hash.
const SEED_SQL = `INSERT INTO users (id, username, password_hash, updated_at)
  SELECT gen_random_uuid(), 'bench-' || g, (SELECT password_hash FROM users WHERE username = 'admin'), now()
  FROM generate_series(1, $1) g`;

async function benchDialect(
  name: string,
  env: Record<string, string>,
  seed: (n: number, dir: string) => Promise<void>,
) {
  const { dir } = isolatedBinary();
  const cold = await startPaddock(dir, env);
  const { accessToken } = await apiSession(cold.url, 'admin', PASSWORD);
  cold.proc.kill('SIGTERM');
  await cold.proc.exited;
  await seed(USERS, dir);
  const warm = await startPaddock(dir, env);
  const headers = { authorization: `Bearer ${accessToken}` };
  await load(() => fetch(`${warm.url}/api/users?pageSize=50`, { headers }), 200, CONCURRENCY);
  const list = await load(
    () => fetch(`${warm.url}/api/users?pageSize=50&page=${1 + Math.floor(Math.random() * 200)}`, { headers }),
    REQUESTS,
    CONCURRENCY,
  );
  const health = await load(() => fetch(`${warm.url}/healthz`), REQUESTS, CONCURRENCY);
  warm.proc.kill('SIGTERM');
  await warm.proc.exited;
  rmSync(dir, { recursive: true, force: true });
  return { name, coldMs: cold.ms, restartMs: warm.ms, list, health };
}

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'paddock-bench-base-'));
  const baseline = await baselineStart(scratch);
  rmSync(scratch, { recursive: true, force: true });

  const pgDb = await freshDatabase('postgres');
  const seedPg = async (n: number) => {
    const c = new pg.Client({ connectionString: pgDb.env.DATABASE_URL });
    await c.connect();
    await c.query(SEED_SQL, [n]);
    await c.end();
  };
  const seedPglite = async (n: number, dir: string) => {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create({ dataDir: join(dir, 'data', 'db') });
    await db.query(SEED_SQL, [n]);
    await db.close();
  };
  const results = [
    await benchDialect('pglite', {}, seedPglite),
    await benchDialect('postgres', pgDb.env, seedPg),
  ];
  await pgDb.drop();

  console.log(
    `\nCold start to first 200 /healthz (baseline: bare Bun.serve process = ${fmt(baseline, 0)} ms)`,
  );
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(9)} first start ${fmt(r.coldMs, 0).padStart(6)} ms (${fmt(r.coldMs / baseline, 1)}x)` +
        `   restart ${fmt(r.restartMs, 0).padStart(6)} ms (${fmt(r.restartMs / baseline, 1)}x)`,
    );
  }
  console.log(
    `\nGET /api/users?pageSize=50 over ${USERS} users, ${REQUESTS} requests, ${CONCURRENCY} in flight`,
  );
  console.log('  (baseline: GET /healthz on the same server)');
  for (const r of results) {
    if (r.list.errors || r.health.errors)
      console.log(`  ${r.name}: ${r.list.errors} list errors, ${r.health.errors} health errors`);
    console.log(
      `  ${r.name.padEnd(9)} p50 ${fmt(r.list.p50Ms)} ms  p99 ${fmt(r.list.p99Ms)} ms  ${fmt(r.list.rps, 0)} req/s` +
        `   | healthz p50 ${fmt(r.health.p50Ms)} ms ${fmt(r.health.rps, 0)} req/s` +
        `   | list/healthz throughput ${fmt(r.list.rps / r.health.rps, 3)}`,
    );
  }
  const [lite, post] = results;
  if (lite && post) {
    console.log(
      `\n  PGlite / PostgreSQL: list throughput ${fmt(lite.list.rps / post.list.rps)}x, p50 ${fmt(lite.list.p50Ms / post.list.p50Ms)}x, cold start ${fmt(lite.coldMs / post.coldMs)}x`,
    );
  }
}

await main();
