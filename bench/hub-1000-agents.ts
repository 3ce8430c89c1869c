// One appliance with 1,000 simulated agents speaking the real protocol over real WebSockets:
// heartbeat processing lag (heartbeat `time` → stored `last_heartbeat`) and appliance memory.
// Baselines in the same run: the lag with a single agent, and the appliance's RSS with none.
// Usage: bun bench/hub-1000-agents.ts   (needs dist/paddock; uses the local PostgreSQL)
import { rmSync } from 'node:fs';
import { type AgentPeer, connectAgentPeer } from '@paddock/protocol';
import pg from 'pg';
import { apiSession, isolatedBinary, waitHealthy } from '../appliance/test/support/served-app.ts';
import { fakeFacts, fakeHeartbeat, postEnroll } from '../appliance/test/support/sim-agent.ts';
import { freshDatabase } from '../appliance/test/support/test-app.ts';
import { fmt, percentile } from './support.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 1000);
const HEARTBEAT_MS = Number(process.env.BENCH_HEARTBEAT_MS ?? 5000);
const ROUNDS = 3;
const PORT = 19800;
const base = `http://127.0.0.1:${PORT}`;

async function rssOf(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? Number.NaN);
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
  const { dir, bin } = isolatedBinary();
  const database = await freshDatabase('postgres');
  const proc = Bun.spawn(
    [bin, 'serve', '--data', database.dataDir, '--port', String(PORT), '--host', '127.0.0.1'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        ...database.env,
        PADDOCK_ADMIN_PASSWORD: 'hub-Bench-pass1',
        PADDOCK_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
        PADDOCK_LOG_LEVEL: 'warn',
      },
      stdout: 'ignore',
      stderr: 'inherit',
    },
  );
  const db = new pg.Client({ connectionString: database.env.DATABASE_URL });
  const agents: AgentPeer[] = [];
  try {
    await waitHealthy(base, proc, 60_000);
    await db.connect();
    const { api } = await apiSession(base, 'admin', 'hub-Bench-pass1');
    const idleRss = await rssOf();

    const connect = async (i: number) => {
      const { token } = await api('POST', '/api/nodes/enrollment-tokens', {});
      const res = await postEnroll(base, token, `sim-${i}`);
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
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
