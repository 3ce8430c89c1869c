/**
 * A libvirt call worker: owns one connection and runs the ops the main thread sends, one at a time.
 * Blocking FFI calls stall only this thread, never the agent's event loop.
 */
import type { Pointer } from 'bun:ffi';
import { ErrorCode, ErrorDomain, errorDataOf, LibvirtError } from './errors.ts';
import { connectClose, connectOpen, isAlive } from './native/host.ts';
import { type OpName, ops } from './native/ops.ts';
import { abortAll } from './native/stream.ts';
import type { FromWorker, ToWorker } from './worker-messages.ts';

declare const self: Worker;

let conn: Pointer | null = null;
let uri = '';
/** Set when a call failed at the RPC level; the next call reopens the connection. */
let broken = false;

/** Errors after which this connection is unusable (daemon gone or restarted). */
function breaksConnection(err: unknown): boolean {
  if (!(err instanceof LibvirtError)) return false;
  const codes: number[] = [ErrorCode.NO_CONNECT, ErrorCode.INVALID_CONN, ErrorCode.RPC];
  return err.domain === ErrorDomain.RPC || err.domain === ErrorDomain.REMOTE || codes.includes(err.code);
}

/**
 * A write that failed on a dead socket (daemon restarted since the last call; virConnectIsAlive
 * only notices after an I/O error): the request never reached libvirtd, so any op may be resent.
 */
function neverSent(err: unknown): boolean {
  return err instanceof LibvirtError && err.message.startsWith('Cannot write data');
}

/** Ops that only read, and so may be retried once on a fresh connection. */
function isReadOnly(op: string): boolean {
  return op.startsWith('host.') || /\.(list|lookup|get)/.test(op);
}

/**
 * The connection, reopened first if libvirtd dropped it (daemon restart). The failed call itself is
 * not retried: it may have reached the daemon, and create/destroy are not idempotent.
 * virConnectIsAlive is a local check, so the healthy path costs well under a microsecond.
 */
function liveConnection(): Pointer {
  // A reopen that failed earlier (daemon still down) is retried on every call until it works.
  if (!conn) {
    if (!uri) throw new LibvirtError(ErrorCode.INVALID_CONN, ErrorDomain.NONE, 'connection is not open');
    conn = connectOpen(uri);
    return conn;
  }
  let alive = false;
  try {
    alive = isAlive(conn);
  } catch {
    alive = false;
  }
  if (broken || !alive) {
    broken = false;
    connectClose(conn);
    conn = null;
    conn = connectOpen(uri);
  }
  return conn;
}

function reply(msg: FromWorker): void {
  const v = msg.type === 'result' ? msg.value : undefined;
  // Downloaded chunks move to the main thread instead of being copied.
  if (v instanceof Uint8Array) self.postMessage(msg, [v.buffer as ArrayBuffer]);
  else self.postMessage(msg);
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.type === 'open') {
    try {
      uri = msg.uri;
      conn = connectOpen(msg.uri);
      reply({ type: 'opened' });
    } catch (err) {
      reply({ type: 'open-failed', error: errorDataOf(err) });
    }
  } else if (msg.type === 'call') {
    try {
      const op = ops[msg.op as OpName] as ((c: Pointer, ...a: unknown[]) => unknown) | undefined;
      if (!op) throw new LibvirtError(ErrorCode.NO_SUPPORT, ErrorDomain.NONE, `unknown op ${msg.op}`);
      let value: unknown;
      try {
        value = op(liveConnection(), ...msg.args);
      } catch (err) {
        // Reads, and requests that never left, are safe to repeat on a fresh connection.
        if (!breaksConnection(err) || !(isReadOnly(msg.op) || neverSent(err))) throw err;
        broken = true;
        value = op(liveConnection(), ...msg.args);
      }
      reply({ type: 'result', id: msg.id, value });
    } catch (err) {
      if (breaksConnection(err)) broken = true;
      reply({ type: 'result', id: msg.id, error: errorDataOf(err) });
    }
  } else if (msg.type === 'close') {
    abortAll();
    if (conn) connectClose(conn);
    conn = null;
    reply({ type: 'closed' });
  }
};
