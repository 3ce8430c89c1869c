/**
 * The process's one event worker: registers libvirt's default event loop, opens one connection per
 * subscription, listens for domain lifecycle and reboot events and pumps virEventRunDefaultImpl(),
 * which blocks. One per process because the default loop is process-wide: a second thread pumping
 * it could run a callback on a thread that does not own the JSCallback.
 */
import { FFIType as T, JSCallback, type Pointer } from 'bun:ffi';
import { DomainEventId, domainEventDetailName, domainEventName } from './constants.ts';
import { errorDataOf } from './errors.ts';
import { domainRef } from './native/domain.ts';
import { connectClose, connectOpen } from './native/host.ts';
import { checkInt } from './native/util.ts';
import type { FromEventWorker, ToEventWorker } from './worker-messages.ts';
import { sym } from './symbols.ts';

declare const self: Worker;

/** How often the loop wakes up with nothing to do, so that messages from the main thread are read. */
const TICK_MS = 100;
/** How often dead subscription connections are looked for and reopened (isAlive is a local check). */
const RECONNECT_MS = 250;

interface Subscription {
  uri: string;
  /** Null while the daemon is gone and the subscription waits to reconnect. */
  conn: Pointer | null;
  callbackIds: number[];
  callbacks: string[];
}
const subs = new Map<number, Subscription>();

function post(msg: FromEventWorker): void {
  self.postMessage(msg);
}

function emit(sub: number, dom: Pointer, eventCode: number, detailCode: number, reboot: boolean): void {
  post({
    type: 'event',
    sub,
    event: {
      ...domainRef(dom),
      event: reboot ? 'reboot' : domainEventName(eventCode),
      detail: reboot ? 'none' : domainEventDetailName(eventCode, detailCode),
      eventCode: reboot ? -1 : eventCode,
      detailCode: reboot ? -1 : detailCode,
      at: Date.now(),
    },
  });
}

// NOT threadsafe, on purpose: libvirt dispatches domain events from inside
// virEventRunDefaultImpl(), i.e. on this very thread. A threadsafe JSCallback defers the JS until
// after the dispatch has returned, when libvirt has already freed the virDomainPtr (measured:
// virDomainGetName then fails with "invalid domain pointer"). The subscription id rides in `opaque`.
const onLifecycle = new JSCallback(
  (_c: Pointer, dom: Pointer, event: number, detail: number, opaque: Pointer) => {
    try {
      emit(Number(opaque), dom, event, detail, false);
    } catch {
      // the domain vanished between the event and the lookup: nothing useful to report
    }
    return 0;
  },
  { args: [T.ptr, T.ptr, T.i32, T.i32, T.ptr], returns: T.i32 },
);
const onReboot = new JSCallback(
  (_c: Pointer, dom: Pointer, opaque: Pointer) => {
    try {
      emit(Number(opaque), dom, 0, 0, true);
    } catch {
      // as above
    }
  },
  { args: [T.ptr, T.ptr, T.ptr], returns: T.void },
);
const onTick = new JSCallback(
  () => {
    try {
      healConnections();
    } catch {
      // never let a health check break the loop
    }
  },
  { args: [T.i32, T.ptr], returns: T.void },
);

let started = false;

function pump(): void {
  sym('virEventRunDefaultImpl')();
  // Yield to this worker's own event loop between iterations so queued messages are handled.
  setTimeout(pump, 0);
}

function ensureLoop(): void {
  if (started) return;
  // Must precede the first virConnectOpen whose events we want.
  checkInt(sym('virEventRegisterDefaultImpl')(), 'virEventRegisterDefaultImpl');
  checkInt(sym('virEventAddTimeout')(TICK_MS, onTick.ptr, null, null), 'virEventAddTimeout');
  started = true;
  setTimeout(pump, 0);
}

/** Opens `uri` and registers the callbacks for subscription `sub`. */
function connect(sub: number, uri: string): Subscription {
  const conn = connectOpen(uri);
  const callbackIds: number[] = [];
  const callbacks: string[] = [];
  try {
    const wanted = [
      [DomainEventId.LIFECYCLE, onLifecycle, 'lifecycle'],
      [DomainEventId.REBOOT, onReboot, 'reboot'],
    ] as const;
    for (const [id, cb, name] of wanted) {
      const rc = sym('virConnectDomainEventRegisterAny')(
        conn,
        null,
        id,
        cb.ptr,
        sub as unknown as Pointer,
        null,
      );
      // Lifecycle is required; reboot is a bonus some drivers lack.
      if (id === DomainEventId.LIFECYCLE) checkInt(rc, 'virConnectDomainEventRegisterAny');
      if (rc >= 0) {
        callbackIds.push(rc);
        callbacks.push(name);
      }
    }
  } catch (err) {
    connectClose(conn);
    throw err;
  }
  return { uri, conn, callbackIds, callbacks };
}

function subscribe(sub: number, uri: string): void {
  ensureLoop();
  const s = connect(sub, uri);
  subs.set(sub, s);
  post({ type: 'subscribed', sub, callbacks: s.callbacks });
}

/** Deregisters the subscription's callbacks and closes its connection, if it has one. */
function disconnect(s: Subscription): void {
  if (!s.conn) return;
  for (const id of s.callbackIds) sym('virConnectDomainEventDeregisterAny')(s.conn, id);
  connectClose(s.conn);
  s.conn = null;
}

let lastHealthCheck = 0;

/**
 * Reopens subscriptions whose connection died (libvirtd restarted) and tells the main thread, since
 * events may have been missed in between and the caller should re-read domain states.
 */
function healConnections(): void {
  const now = Date.now();
  if (now - lastHealthCheck < RECONNECT_MS) return;
  lastHealthCheck = now;
  for (const [sub, s] of subs) {
    if (s.conn && sym('virConnectIsAlive')(s.conn) === 1) continue;
    disconnect(s);
    try {
      const fresh = connect(sub, s.uri);
      subs.set(sub, fresh);
      post({ type: 'reconnected', sub });
    } catch {
      // daemon still down: try again on a later tick
    }
  }
}

function unsubscribe(sub: number): void {
  const s = subs.get(sub);
  subs.delete(sub);
  if (s) disconnect(s);
  post({ type: 'unsubscribed', sub });
}

self.onmessage = (e: MessageEvent<ToEventWorker>) => {
  const msg = e.data;
  if (msg.type === 'subscribe') {
    try {
      subscribe(msg.sub, msg.uri);
    } catch (err) {
      post({ type: 'failed', sub: msg.sub, error: errorDataOf(err) });
    }
  } else if (msg.type === 'unsubscribe') {
    unsubscribe(msg.sub);
  }
};
