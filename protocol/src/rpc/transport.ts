import type { RpcPeer } from './peer.ts';
import type { MethodCatalog, Side } from './method.ts';

/**
 * The minimum an RpcPeer needs to put frames on a link. Bun's `ServerWebSocket` (Elysia: `ws.raw`)
 * and the client `WebSocket` both satisfy it as they are. Incoming frames and the close event are
 * fed back with `peer.receive(message)` and `peer.transportClosed(code, reason)`.
 */
export interface RpcTransport {
  /** Sends one text (JSON) or binary (stream chunk) frame. Throwing means the link is gone. */
  send(frame: string | Uint8Array<ArrayBuffer>): unknown;
  /** Closes the link. */
  close(code?: number, reason?: string): unknown;
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
