import type { ServerWebSocket } from 'bun';
import {
  type MethodCatalog,
  paddockCatalog,
  RpcPeer,
  type RpcLogger,
  type RpcPeerOptions,
} from '../../src/rpc/index.ts';

type ExtraOptions = Partial<Omit<RpcPeerOptions<MethodCatalog, 'agent'>, 'side' | 'catalog' | 'transport'>>;

/** Logger that records what the peer dropped, so tests can assert on it without console noise. */
export function recordingLogger(): RpcLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_data, msg) => void lines.push(msg) };
}

/** A real loopback link: Bun.serve (appliance hub) on port 0 and a client WebSocket (agent). */
export interface Link<CA extends MethodCatalog, CG extends MethodCatalog> {
  appliance: RpcPeer<CA, 'appliance'>;
  agent: RpcPeer<CG, 'agent'>;
  url: string;
  /** The agent's raw socket, to break the link abruptly. */
  socket: WebSocket;
  /** What both peers dropped, in order. */
  logger: ReturnType<typeof recordingLogger>;
  stop(): Promise<void>;
}

/** Starts a hub and connects one agent; catalogs differ per end to simulate version skew. */
export async function openLink<
  CA extends MethodCatalog = typeof paddockCatalog,
  CG extends MethodCatalog = typeof paddockCatalog,
>(
  options: { applianceCatalog?: CA; agentCatalog?: CG; appliance?: ExtraOptions; agent?: ExtraOptions } = {},
): Promise<Link<CA, CG>> {
  const applianceCatalog = (options.applianceCatalog ?? paddockCatalog) as CA;
  const agentCatalog = (options.agentCatalog ?? paddockCatalog) as CG;
  const logger = recordingLogger();
  let opened: (peer: RpcPeer<CA, 'appliance'>) => void = () => {};
  const applianceReady = new Promise<RpcPeer<CA, 'appliance'>>((resolve) => {
    opened = resolve;
  });
  const server = Bun.serve<{ peer?: RpcPeer<CA, 'appliance'> }>({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request, srv) {
      if (srv.upgrade(request, { data: {} })) return undefined;
      return new Response('upgrade required', { status: 426 });
    },
    websocket: {
      open(ws: ServerWebSocket<{ peer?: RpcPeer<CA, 'appliance'> }>) {
        const peer = new RpcPeer({
          logger,
          ...options.appliance,
          side: 'appliance',
          catalog: applianceCatalog,
          transport: ws,
        });
        ws.data.peer = peer;
        opened(peer);
      },
      message(ws, message) {
        ws.data.peer?.receive(message);
      },
      close(ws, code, reason) {
        ws.data.peer?.transportClosed(code, reason);
      },
    },
  });
  const url = `ws://127.0.0.1:${server.port}/ws/agent`;
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('connect failed')), { once: true });
  });
  const agent = new RpcPeer({
    logger,
    ...options.agent,
    side: 'agent',
    catalog: agentCatalog,
    transport: socket,
  });
  socket.addEventListener('message', (event) => agent.receive(event.data));
  socket.addEventListener('close', (event) => agent.transportClosed(event.code, event.reason));
  const appliance = await applianceReady;
  return {
    appliance,
    agent,
    url,
    socket,
    logger,
    async stop() {
      agent.close();
      appliance.close();
      await server.stop(true);
    },
  };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when `signal` aborts, with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason);
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
  });
}

/** Awaits a promise expected to reject, returning the rejection. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A valid domain UUID for fixtures. */
export const UUID = '6f1c2a9e-4b1d-4c1e-9a51-0d2b7e3f8a10';
