import { type AgentPeer, type AppliancePeer, type PaddockCatalog, paddockCatalog } from './catalog/index.ts';
import { RpcError, RpcErrorCode } from './errors.ts';
import type { MethodCatalog, Side } from './method.ts';
import { RpcPeer, type RpcPeerOptions } from './peer.ts';
import type { RpcTransport } from './transport.ts';

/** Peer options minus what the factories fill in. */
export type PeerOptions = Omit<RpcPeerOptions<PaddockCatalog, 'appliance'>, 'side' | 'catalog' | 'transport'>;

/**
 * The appliance's end for one agent connection. With Bun.serve pass the `ServerWebSocket`; with
 * Elysia pass `ws.raw` (Elysia's own `send` JSON-encodes a Uint8Array instead of sending binary).
 * Then feed `message` to `peer.receive` and `close` to `peer.transportClosed`.
 */
export function createAppliancePeer(transport: RpcTransport, options: PeerOptions = {}): AppliancePeer {
  return new RpcPeer({ ...options, side: 'appliance', catalog: paddockCatalog, transport });
}

/** The agent's end over any transport (tests, or a WebSocket already open and wired by hand). */
export function createAgentPeer(transport: RpcTransport, options: PeerOptions = {}): AgentPeer {
  return new RpcPeer({ ...options, side: 'agent', catalog: paddockCatalog, transport });
}

/** Options to connect an agent. */
export interface ConnectAgentOptions extends PeerOptions {
  /** Headers of the upgrade request, e.g. `{ authorization: 'Bearer …' }` (Bun's WebSocket extension). */
  headers?: Record<string, string>;
  /** Gives up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
}

/**
 * Opens the agent's WebSocket to the appliance hub and resolves with a wired peer once open;
 * rejects with AGENT_DISCONNECTED when the connection fails (the caller retries, e.g. every 5 s).
 */
export function connectAgentPeer(url: string, options: ConnectAgentOptions = {}): Promise<AgentPeer> {
  const { headers, connectTimeoutMs = 10_000, ...peerOptions } = options;
  // Bun accepts `{ headers }` as the second argument; the DOM typing does not know it.
  const socket = new WebSocket(url, { headers } as unknown as string[]);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      socket.close();
      reject(new RpcError(RpcErrorCode.AGENT_DISCONNECTED, `cannot connect to ${url}: ${why}`));
    };
    const timer = setTimeout(() => fail('timed out'), connectTimeoutMs);
    socket.addEventListener('error', () => fail('socket error'), { once: true });
    socket.addEventListener('close', (event) => fail(`closed (${event.code})`), { once: true });
    socket.addEventListener(
      'open',
      () => {
        clearTimeout(timer);
        resolve(attachWebSocket(socket, createAgentPeer(socket, peerOptions)));
      },
      { once: true },
    );
  });
}

/**
 * Wires an open client `WebSocket` (the agent's side) to a peer: messages in, close event in.
 * Call it right after `open`; binary frames are read as ArrayBuffers.
 */
export function attachWebSocket<C extends MethodCatalog, S extends Side>(
  socket: WebSocket,
  peer: RpcPeer<C, S>,
): RpcPeer<C, S> {
  socket.binaryType = 'arraybuffer';
  socket.addEventListener('message', (event) => peer.receive(event.data));
  socket.addEventListener('close', (event) => peer.transportClosed(event.code, event.reason));
  // An error event is always followed by close; failing now spares waiting for it.
  socket.addEventListener('error', () => peer.transportClosed(1006, 'socket error'));
  return peer;
}
