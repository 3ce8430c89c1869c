// One appliance with 1,000 simulated agents speaking the real protocol over real WebSockets:
// heartbeat processing lag (heartbeat `time` → stored `last_heartbeat`) and appliance memory.
// Baselines in the same run: the lag with a single agent, and the appliance's RSS with none.
// Usage: bun bench/hub-1000-agents.ts   (needs dist/paddock; uses the local PostgreSQL)
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentPeer, connectAgentPeer } from '@paddock/protocol';
import pg from 'pg';
import { fakeFacts, fakeHeartbeat } from '../appliance/test/support/sim-agent.ts';
import { fmt, percentile } from './support.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 1000);
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 5000);
const ROUNDS = 3;
const PG_ADMIN = process.env.PADDOCK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PORT = 19800;
const base = `http://127.0.0.1:${PORT}`;

async function rssOf(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

async function api(path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, string>>;
}

async function lagSamples(db: pg.Client, since: number): Promise<number[]> {
  const { rows } = await db.query(
    `SELECT extract(epoch FROM last_heartbeat) * 1000 - (metrics->>'time')::float8 AS lag
       FROM nodes WHERE (metrics->>'time')::float8 >= $1`,
    [since],
  );
  return rows.map((r: { lag: number }) => Number(r.lag)).sort((a, b) => a - b);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'paddock-hub-bench-'));
  copyFileSync(join(import.meta.dir, '..', 'dist', 'paddock'), join(dir, 'paddock'));
  Bun.spawnSync(['chmod', '+x', join(dir, 'paddock')]);
  const name = `paddock_hub_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  const proc = Bun.spawn(
    [
      join(dir, 'paddock'),
      'serve',
      '--data',
      join(dir, 'data'),
      '--port',
      String(PORT),
      '--host',
      '127.0.0.1',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: url.toString(),
        PADDOCK_ADMIN_PASSWORD: 'hub-Bench-pass1',
        PADDOCK_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
        PADDOCK_LOG_LEVEL: 'warn',
      },
      stdout: 'ignore',
      stderr: 'inherit',
    },
  );
  const db = new pg.Client({ connectionString: url.toString() });
  const agents: AgentPeer[] = [];
  try {
    for (
      let i = 0;
      i < 600 &&
      !(await fetch(`${base}/healthz`)
        .then((r) => r.ok)
        .catch(() => false));
      i++
    )
      await Bun.sleep(100);
    await db.connect();
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'hub-Bench-pass1' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const idleRss = await rssOf();

    const connect = async (i: number) => {
      const { token } = await api('/api/nodes/enrollment-tokens', accessToken, {});
      const res = await fetch(`${base}/api/agents/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, hostname: `sim-${i}` }),
      });
      const { credential } = (await res.json()) as { credential: string };
      const peer = await connectAgentPeer(`${base.replace('http', 'ws')}/ws/agent`, {
        headers: { authorization: `Bearer ${credential}` },
        connectTimeoutMs: 30_000,
      });
      await peer.request('agent.register', fakeFacts(`sim-${i}`));
      return peer;
    };

    // Baseline: one agent heartbeating alone.
    agents.push(await connect(0));
    const singleLags: number[] = [];
    for (let r = 0; r < 100; r++) {
      const since = Date.now();
      agents[0]!.notify('node.heartbeat', fakeHeartbeat());
      await Bun.sleep(50);
      singleLags.push(...(await lagSamples(db, since)));
    }
    singleLags.sort((a, b) => a - b);

    const t0 = performance.now();
    for (let i = 1; i < AGENTS; i += 50) {
      agents.push(
        ...(await Promise.all(Array.from({ length: Math.min(50, AGENTS - i) }, (_, k) => connect(i + k)))),
      );
    }
    const connectSec = (performance.now() - t0) / 1000;

    // Every agent heartbeats once per interval, spread evenly as real agents drift apart.
    const lags: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const since = Date.now();
      await Promise.all(
        agents.map(async (peer, i) => {
          await Bun.sleep((i / agents.length) * HEARTBEAT_MS);
          peer.notify('node.heartbeat', fakeHeartbeat());
        }),
      );
      await Bun.sleep(1000);
      lags.push(...(await lagSamples(db, since)));
    }
    lags.sort((a, b) => a - b);
    const loadedRss = await rssOf();
    const online = await db.query(`SELECT count(*)::int AS n FROM nodes WHERE status = 'online'`);

    console.log(
      `\n${AGENTS} simulated agents (real protocol over WebSocket), heartbeat every ${HEARTBEAT_MS} ms, PostgreSQL`,
    );
    console.log(
      `  enrolled + connected + registered in ${fmt(connectSec, 1)} s (${fmt(AGENTS / connectSec, 0)} agents/s); online: ${online.rows[0].n}`,
    );
    console.log(
      `  heartbeat lag  p50 ${fmt(percentile(lags, 50))} ms  p99 ${fmt(percentile(lags, 99))} ms  (${lags.length} samples)` +
        `   | baseline 1 agent p50 ${fmt(percentile(singleLags, 50))} ms p99 ${fmt(percentile(singleLags, 99))} ms` +
        `   | ratio p50 ${fmt(percentile(lags, 50) / percentile(singleLags, 50))}x`,
    );
    console.log(
      `  appliance RSS  ${fmt(loadedRss / 2 ** 20, 0)} MiB with ${AGENTS} agents vs ${fmt(idleRss / 2 ** 20, 0)} MiB idle` +
        `   (${fmt(loadedRss / idleRss)}x; ${fmt((loadedRss - idleRss) / AGENTS / 1024, 1)} KiB per agent)`,
    );
  } finally {
    for (const a of agents) a.close();
    proc.kill('SIGTERM');
    await proc.exited;
    await db.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
