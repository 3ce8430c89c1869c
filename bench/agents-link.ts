// Agent link benchmarks (issue 3: paddock-agent). Each figure is printed beside a baseline measured
// in the same run, against the test fixture's appliance stand-in and libvirt's test:///default:
//  1. start-up: process start to `agent.register` received, against a protocol-only client that
//     just connects (the floor: Bun start + WebSocket upgrade);
//  2. request round trips from the hub: `ping` and `domain.list` (through the libvirt workers)
//     answered by the agent, against `ping` answered by the protocol-only client;
//  3. heartbeat regularity while the agent runs libvirt calls flat out (define/start/destroy/
//     undefine loops), against the same agent idle: libvirt off the main thread must not delay them.
// Usage: bun bench/agents-link.ts   (BENCH_AGENT_BINARY=dist/paddock-agent to measure the binary)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppliancePeer } from '@paddock/protocol';
import { ApplianceStandIn } from '../agent/test/agent-fixtures/appliance-stand-in.ts';
import { fmt, percentile } from './support.ts';

const ROOT = join(import.meta.dir, '..');
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 2000);
const PIPELINED = Number(process.env.BENCH_PIPELINED ?? 20_000);
const CONCURRENCY = 64;
const HEARTBEAT_MS = 100;
const PHASE_MS = 3000;

const work = mkdtempSync(join(tmpdir(), 'paddock-bench-agents-'));
const hub = new ApplianceStandIn().start();
hub.heartbeatIntervalMs = HEARTBEAT_MS;

// The baseline client: the protocol engine alone, no libvirt, no host facts.
const baselineScript = join(work, 'baseline-client.ts');
writeFileSync(
  baselineScript,
  `import { connectAgentPeer } from ${JSON.stringify(join(ROOT, 'protocol/src/rpc/index.ts'))};
const peer = await connectAgentPeer(process.argv[2], { headers: { authorization: 'Bearer ' + process.argv[3] } });
peer.handle('ping', ({ nonce }) => ({ time: Date.now(), nonce }));
`,
);

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

/** Sequential latency and pipelined throughput of one request kind. */
async function roundTrips(call: () => Promise<unknown>) {
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t0 = performance.now();
    await call();
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  let next = 0;
  const { ms } = await timed(() =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < PIPELINED) await call();
      }),
    ),
  );
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps: PIPELINED / (ms / 1000) };
}

function heartbeatGaps(from: number, to: number): number[] {
  const at = hub.heartbeats.map((h) => h.at).filter((t) => t >= from && t <= to);
  return at
    .slice(1)
    .map((t, i) => t - (at[i] as number))
    .sort((a, b) => a - b);
}

try {
  // --- 1. start-up ---------------------------------------------------------------------------
  const token = hub.issueToken();
  const enrollState = join(work, 'state');
  const agentArgs = (extra: string[]) => [
    ...(process.env.BENCH_AGENT_BINARY
      ? [process.env.BENCH_AGENT_BINARY]
      : [process.execPath, join(ROOT, 'agent/src/main.ts')]),
    '--server',
    hub.url,
    '--state',
    enrollState,
    '--libvirt',
    'test:///default',
    '--metrics-listen',
    'off',
    ...extra,
  ];
  const env = { PATH: process.env.PATH ?? '', PADDOCK_LOG_LEVEL: 'warn' };
  // Enroll once, so the measured starts all use the stored credential as a restarted agent would.
  const first = Bun.spawn(agentArgs(['--token', token]), { env, stdout: 'ignore', stderr: 'inherit' });
  await hub.waitFor(() => hub.registers.length === 1, 30_000, 'first register');
  first.kill('SIGTERM');
  await first.exited;
  const credential = [...hub.credentials.keys()][0] as string;

  const agentStarts: number[] = [];
  const baselineStarts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const before = hub.registers.length;
    const t0 = performance.now();
    const agent = Bun.spawn(agentArgs([]), { env, stdout: 'ignore', stderr: 'inherit' });
    await hub.waitFor(() => hub.registers.length > before, 30_000, 'register');
    agentStarts.push(performance.now() - t0);
    agent.kill('SIGTERM');
    await agent.exited;

    const peersBefore = hub.upgradeAuth.length;
    const t1 = performance.now();
    const client = Bun.spawn(
      [process.execPath, baselineScript, `${hub.url.replace('http', 'ws')}/ws/agent`, credential],
      {
        env,
        stdout: 'ignore',
        stderr: 'inherit',
      },
    );
    await hub.waitFor(() => hub.upgradeAuth.length > peersBefore && hub.peer, 30_000, 'baseline open');
    baselineStarts.push(performance.now() - t1);
    client.kill('SIGTERM');
    await client.exited;
    await hub.waitFor(() => hub.peers.size === 0, 5000, 'baseline closed');
  }
  const med = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  console.log('1. start to registered (median of 5)');
  console.log(
    `   agent ${fmt(med(agentStarts), 0)} ms   protocol-only client to open ${fmt(med(baselineStarts), 0)} ms   ratio ${fmt(med(agentStarts) / med(baselineStarts))}x`,
  );

  // --- 2. round trips --------------------------------------------------------------------------
  const baseline = Bun.spawn(
    [process.execPath, baselineScript, `${hub.url.replace('http', 'ws')}/ws/agent`, credential],
    {
      env,
      stdout: 'ignore',
      stderr: 'inherit',
    },
  );
  const basePeer = await hub.waitFor(() => hub.peer, 10_000, 'baseline peer');
  await Bun.sleep(50);
  const basePing = await roundTrips(() => basePeer.request('ping', {}));
  baseline.kill('SIGTERM');
  await baseline.exited;
  await hub.waitFor(() => hub.peers.size === 0, 5000, 'baseline closed');

  const beforeRegister = hub.registers.length;
  const agent = Bun.spawn(agentArgs([]), { env, stdout: 'ignore', stderr: 'inherit' });
  await hub.waitFor(() => hub.registers.length > beforeRegister, 30_000, 'register');
  const peer = hub.peer as AppliancePeer;
  const agentPing = await roundTrips(() => peer.request('ping', {}));
  const agentList = await roundTrips(() => peer.request('domain.list', {}));
  console.log('2. request round trips from the hub (sequential p50/p99; pipelined x64 throughput)');
  for (const [label, r] of [
    ['protocol-only ping', basePing],
    ['agent ping', agentPing],
    ['agent domain.list', agentList],
  ] as const) {
    console.log(
      `   ${label.padEnd(20)} p50 ${fmt(r.p50, 3)} ms  p99 ${fmt(r.p99, 3)} ms  ${fmt(r.rps, 0)} req/s   ` +
        `p50 ${fmt(r.p50 / basePing.p50)}x  throughput ${fmt(r.rps / basePing.rps)}x of baseline`,
    );
  }

  // --- 3. heartbeats under libvirt load ---------------------------------------------------------
  const idleFrom = Date.now();
  await Bun.sleep(PHASE_MS);
  const idle = heartbeatGaps(idleFrom, Date.now());
  let stop = false;
  let calls = 0;
  const busyFrom = Date.now();
  const loops = Array.from({ length: 8 }, async (_, worker) => {
    for (let i = 0; !stop; i++) {
      const xml = `<domain type='test'><name>bench-${worker}-${i}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
      const { uuid } = await peer.request('domain.define', { xml });
      await peer.request('domain.start', { uuid });
      await peer.request('domain.destroy', { uuid });
      await peer.request('domain.undefine', { uuid });
      calls += 4;
    }
  });
  await Bun.sleep(PHASE_MS);
  stop = true;
  await Promise.all(loops);
  const busy = heartbeatGaps(busyFrom, Date.now());
  console.log(`3. heartbeat gaps at a ${HEARTBEAT_MS} ms interval (p50 / p99 / max)`);
  console.log(
    `   idle            ${fmt(percentile(idle, 50), 0)} / ${fmt(percentile(idle, 99), 0)} / ${fmt(idle.at(-1) ?? Number.NaN, 0)} ms  (${idle.length} gaps)`,
  );
  console.log(
    `   ${fmt(calls / (PHASE_MS / 1000), 0)} libvirt calls/s  ${fmt(percentile(busy, 50), 0)} / ${fmt(percentile(busy, 99), 0)} / ${fmt(busy.at(-1) ?? Number.NaN, 0)} ms  (${busy.length} gaps)   ` +
      `p99 ${fmt(percentile(busy, 99) / percentile(idle, 99))}x of idle`,
  );
  agent.kill('SIGTERM');
  await agent.exited;
} finally {
  await hub.stop();
  rmSync(work, { recursive: true, force: true });
}
