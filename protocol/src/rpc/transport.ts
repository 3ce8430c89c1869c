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
