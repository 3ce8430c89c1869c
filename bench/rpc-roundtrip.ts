/**
 * Agent-link RPC overhead: round-trip latency (sequential) and pipelined throughput of two RpcPeers
 * over a real loopback Bun WebSocket, params and results validated, against a raw Bun WebSocket
 * JSON echo carrying the same payload in the same run. Bounded loops; exits by itself.
 *
 *   bun bench/rpc-roundtrip.ts [sequential=5000] [pipelined=50000]
 */
import type { ServerWebSocket } from 'bun';
import { type AppliancePeer, connectAgentPeer, createAppliancePeer } from '../protocol/src/rpc/index.ts';

const SEQUENTIAL = Number(process.argv[2] ?? 5000);
const PIPELINED = Number(process.argv[3] ?? 50_000);
const WINDOW = 256; // requests in flight while pipelining
const WARMUP = 2000;
const UUID = '6f1c2a9e-4b1d-4c1e-9a51-0d2b7e3f8a10';
const INFO = {
  uuid: UUID,
  name: 'vm-bench',
  state: 'running' as const,
  vcpus: 2,
  memoryBytes: 2 ** 30,
  maxMemoryBytes: 2 ** 30,
  cpuTimeNs: 123_456_789,
  persistent: true,
  autostart: false,
};

type Call = () => Promise<unknown>;

interface Figures {
  p50: number;
  p99: number;
  perSecond: number;
}

async function measure(call: Call): Promise<Figures> {
  for (let i = 0; i < WARMUP; i++) await call();
  const samples = new Float64Array(SEQUENTIAL);
  for (let i = 0; i < SEQUENTIAL; i++) {
    const start = performance.now();
    await call();
    samples[i] = performance.now() - start;
  }
  samples.sort();
  const at = (q: number) => (samples[Math.min(SEQUENTIAL - 1, Math.floor(q * SEQUENTIAL))] ?? 0) * 1000;
  let issued = 0;
  const start = performance.now();
  const lane = async () => {
    while (issued < PIPELINED) {
      issued++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, lane));
  const perSecond = PIPELINED / ((performance.now() - start) / 1000);
  return { p50: at(0.5), p99: at(0.99), perSecond };
}

/** Baseline: a raw Bun WebSocket echo with the same JSON shapes and an id → promise map. */
async function rawEcho(): Promise<{ call: Call; stop(): void }> {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: (request, srv) => (srv.upgrade(request) ? undefined : new Response('no', { status: 426 })),
    websocket: {
      message(ws, message) {
        const frame = JSON.parse(String(message)) as { id: string };
        ws.send(JSON.stringify({ type: 'response', id: frame.id, result: INFO }));
      },
    },
  });
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}`);
  await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  const pending = new Map<string, (value: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const frame = JSON.parse(String(event.data)) as { id: string; result: unknown };
    pending.get(frame.id)?.(frame.result);
    pending.delete(frame.id);
  });
  let next = 0;
  const call: Call = () =>
    new Promise((resolve) => {
      const id = `a${(++next).toString(36)}`;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ type: 'request', id, method: 'domain.info', params: { uuid: UUID } }));
    });
  return {
    call,
    stop() {
      socket.close();
      server.stop(true);
    },
  };
}

/** Two RpcPeers: the hub's appliance peer on Bun.serve, the agent's on a client WebSocket. */
async function rpcPeers(): Promise<{ call: Call; stop(): void }> {
  let resolveHub: (peer: AppliancePeer) => void = () => {};
  const hub = new Promise<AppliancePeer>((resolve) => {
    resolveHub = resolve;
  });
  const server = Bun.serve<{ peer?: AppliancePeer }>({
    hostname: '127.0.0.1',
    port: 0,
    fetch: (request, srv) =>
      srv.upgrade(request, { data: {} }) ? undefined : new Response('no', { status: 426 }),
    websocket: {
      open(ws: ServerWebSocket<{ peer?: AppliancePeer }>) {
        ws.data.peer = createAppliancePeer(ws);
        resolveHub(ws.data.peer);
      },
      message: (ws, message) => ws.data.peer?.receive(message),
      close: (ws, code, reason) => ws.data.peer?.transportClosed(code, reason),
    },
  });
  const agent = await connectAgentPeer(`ws://127.0.0.1:${server.port}`);
  agent.handle('domain.info', () => INFO);
  const appliance = await hub;
  return {
    call: () => appliance.request('domain.info', { uuid: UUID }),
    stop() {
      agent.close();
      server.stop(true);
    },
  };
}

// The machine is shared: alternate the two setups over a few rounds and keep each one's median.
const ROUNDS = 3;
const rawRounds: Figures[] = [];
const rpcRounds: Figures[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const raw = await rawEcho();
  rawRounds.push(await measure(raw.call));
  raw.stop();
  const rpc = await rpcPeers();
  rpcRounds.push(await measure(rpc.call));
  rpc.stop();
}
function median(rounds: Figures[]): Figures {
  const mid = (pick: (f: Figures) => number) =>
    rounds.map(pick).sort((a, b) => a - b)[rounds.length >> 1] ?? 0;
  return { p50: mid((f) => f.p50), p99: mid((f) => f.p99), perSecond: mid((f) => f.perSecond) };
}
const rawFigures = median(rawRounds);
const rpcFigures = median(rpcRounds);

const us = (n: number) => `${n.toFixed(1)} µs`;
const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')} req/s`;
console.log(
  `agent-link RPC vs raw WebSocket JSON echo (domain.info, ${SEQUENTIAL} sequential, ${PIPELINED} pipelined × ${WINDOW} in flight, median of ${ROUNDS} rounds)`,
);
console.log(`                 p50        p99        pipelined`);
console.log(
  `raw echo     ${us(rawFigures.p50).padStart(9)}  ${us(rawFigures.p99).padStart(9)}  ${rate(rawFigures.perSecond)}`,
);
console.log(
  `RpcPeer      ${us(rpcFigures.p50).padStart(9)}  ${us(rpcFigures.p99).padStart(9)}  ${rate(rpcFigures.perSecond)}`,
);
console.log(
  `ratio (rpc/raw): p50 ×${(rpcFigures.p50 / rawFigures.p50).toFixed(2)}, p99 ×${(rpcFigures.p99 / rawFigures.p99).toFixed(2)}, ` +
    `throughput ×${(rpcFigures.perSecond / rawFigures.perSecond).toFixed(2)}`,
);
