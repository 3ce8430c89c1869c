// Hostile input benchmarks (issue 9, items 1-2). Each figure beside a baseline from the same run:
//  1. the OpenAPI fuzzer (appliance/test/support/fuzz-run.ts) on PGlite and PostgreSQL:
//     requests/s, and the appliance's RSS cold, warmed up, at the end and settled (limit 1.5x warm);
//  2. GET /healthz p50/p99 while 50 clients send oversized (chunked and announced) and malformed
//     requests, against /healthz on the idle appliance.
// Usage: bun bench/hostile-input.ts   (main.ts from source; PADDOCK_TEST_BINARY=dist/paddock for
// the binary). BENCH_FUZZ_CASES (per operation and caller, default 10), BENCH_HEALTHZ_SECONDS (default 8).
import { type Api, fuzzRun } from '../appliance/test/support/fuzz-run.ts';
import { operationsOf } from '../appliance/test/support/fuzz-openapi.ts';
import { apiSession } from '../appliance/test/support/served-app.ts';
import {
  type SpawnedAppliance,
  spawnAppliance,
  streamedBody,
} from '../appliance/test/support/spawned-appliance.ts';
import { ADMIN_PASSWORD, DIALECTS } from '../appliance/test/support/test-app.ts';
import { fmt, percentile } from './support.ts';

const CASES = Number(process.env.BENCH_FUZZ_CASES ?? 10);
const HEALTHZ_SECONDS = Number(process.env.BENCH_HEALTHZ_SECONDS ?? 8);
const HOSTILE_CLIENTS = 50;
const MiB = 1024 * 1024;
let port = 19600;
const mib = (bytes: number) => fmt(bytes / MiB, 0);

/** One hostile request, by turn: oversized chunked, oversized announced, malformed. */
function hostileRequest(base: string, i: number): Promise<Response> {
  switch (i % 6) {
    case 0: {
      const { body } = streamedBody(64 * MiB);
      return fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body,
        duplex: 'half',
      } as RequestInit);
    }
    case 1:
      return fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"username":"${'x'.repeat(2 * MiB)}"}`,
      });
    case 2:
      return fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username":',
      });
    case 3:
      return fetch(`${base}/api/users?sort=constructor&q=%00`);
    case 4:
      return fetch(`${base}/%E0`);
    default:
      return fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'a\u0000b', password: '\ud800'.repeat(100) }),
      });
  }
}

/** GET /healthz one at a time for `seconds`: p50 and p99 in ms. */
async function healthzFor(base: string, seconds: number) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    await (await fetch(`${base}/healthz`)).arrayBuffer();
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  return { n: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** The attack runs in its own process, so the /healthz client's event loop is not the one it starves. */
async function attack(base: string): Promise<never> {
  let sent = 0;
  let fivexx = 0;
  const report = setInterval(() => console.log(JSON.stringify({ sent, fivexx })), 250);
  await Promise.all(
    Array.from({ length: HOSTILE_CLIENTS }, async (_, k) => {
      for (let i = k; ; i += HOSTILE_CLIENTS) {
        const res = await hostileRequest(base, i).catch(() => undefined);
        await res?.arrayBuffer().catch(() => {});
        sent++;
        if (res && res.status >= 500) fivexx++;
      }
    }),
  );
  clearInterval(report);
  process.exit(1);
}

async function healthzUnderAttack(app: SpawnedAppliance) {
  const idle = await healthzFor(app.base, HEALTHZ_SECONDS);
  const attacker = Bun.spawn([process.execPath, import.meta.path, '--attack', app.base], {
    stdout: 'pipe',
    stderr: 'inherit',
  });
  let last = { sent: 0, fivexx: 0 };
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const piece of attacker.stdout) {
      buffered += decoder.decode(piece, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const complete = lines.filter((line) => line.startsWith('{')).pop();
      if (complete) last = JSON.parse(complete);
    }
  })();
  while (last.sent < HOSTILE_CLIENTS * 2) await Bun.sleep(100);
  const rssBefore = app.rss();
  const sentBefore = last.sent;
  const busy = await healthzFor(app.base, HEALTHZ_SECONDS);
  const rssDuring = app.rss();
  attacker.kill();
  await attacker.exited;
  console.log(
    `  /healthz (${idle.n} idle, ${busy.n} busy) p50/p99 idle ${fmt(idle.p50Ms)} / ${fmt(idle.p99Ms)} ms; under ${HOSTILE_CLIENTS} hostile clients ` +
      `${fmt(busy.p50Ms)} / ${fmt(busy.p99Ms)} ms (p99 ${fmt(busy.p99Ms / idle.p99Ms, 1)}x); ` +
      `${last.sent - sentBefore} hostile requests meanwhile, ${last.fivexx} answered 5xx; RSS ${mib(rssBefore)} → ${mib(rssDuring)} MiB`,
  );
}

async function fuzz(app: SpawnedAppliance) {
  const session = await apiSession(app.base, 'admin', ADMIN_PASSWORD);
  const admin: Api = session.api;
  await admin('POST', '/api/users', {
    username: 'bench-viewer',
    password: 'viewer-pass-123',
    roles: ['viewer'],
  });
  const viewer = (await apiSession(app.base, 'bench-viewer', 'viewer-pass-123')).accessToken;
  const ops = operationsOf(await (await fetch(`${app.base}/api/openapi.json`)).json());
  const rssCold = app.rss();
  await fuzzRun(app, ops, { admin: session.accessToken }, admin, 1, 1);
  const rssWarm = app.rss();
  const started = performance.now();
  const callers = { anonymous: undefined, viewer, admin: session.accessToken };
  let requests = 0;
  let problems = 0;
  for (const seed of [0x5eed_0009, 0x5eed_000a, 0x5eed_000b]) {
    const run = await fuzzRun(app, ops, callers, admin, seed, CASES);
    requests += run.requests;
    problems += run.problems.length;
    console.log(
      `  batch seed ${seed}: ${run.requests} requests, ${run.problems.length} problems, RSS ${mib(app.rss())} MiB`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const rssEnd = app.rss();
  await Bun.sleep(5000);
  const rssSettled = app.rss();
  console.log(
    `  fuzz: ${requests} requests in ${fmt(seconds, 1)} s = ${fmt(requests / seconds, 0)}/s (incl. row counts around ` +
      `each mutating operation), ${problems} problems; RSS cold ${mib(rssCold)}, warm ${mib(rssWarm)}, end ${mib(rssEnd)}, ` +
      `settled ${mib(rssSettled)} MiB = ${fmt(rssSettled / rssWarm, 2)}x warm (limit 1.5x)`,
  );
}

if (process.argv[2] === '--attack') await attack(process.argv[3] ?? '');
for (const dialect of DIALECTS) {
  console.log(`${dialect}:`);
  const app = await spawnAppliance(dialect, port++, { PADDOCK_LOG_LEVEL: 'warn' });
  try {
    await fuzz(app);
    // BENCH_ONLY=fuzz: e.g. against an older build, whose buffering of the attack's bodies could
    // take the machine's memory.
    if (process.env.BENCH_ONLY !== 'fuzz') await healthzUnderAttack(app);
    if (!app.alive()) console.log('  the appliance DIED');
  } finally {
    await app.stop();
  }
}
