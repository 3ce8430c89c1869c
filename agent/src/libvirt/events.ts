/**
 * Domain lifecycle events on the main thread. One event worker serves the whole process (see
 * event-worker.ts); each DomainEvents is one subscription, i.e. one connection in that worker.
 * https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectDomainEventRegisterAny
 */
import { LibvirtError } from './errors.ts';
import type { FromEventWorker, ToEventWorker } from './worker-messages.ts';
import type { DomainEvent } from './types.ts';
import { workerUrl } from './worker-url.ts';

type Listener = (e: DomainEvent) => void;

interface Subscriber {
  event: Listener;
  reconnected: () => void;
}

interface Waiting {
  resolve: (callbacks: string[]) => void;
  reject: (e: unknown) => void;
}

let worker: Worker | undefined;
let nextSub = 1;
const listeners = new Map<number, Subscriber>();
const waiting = new Map<number, Waiting>();
const unsubscribing = new Map<number, () => void>();

function hub(): Worker {
  if (worker) return worker;
  const w = new Worker(workerUrl('event-worker'));
  w.onmessage = (e: MessageEvent<FromEventWorker>) => {
    const msg = e.data;
    if (msg.type === 'event') listeners.get(msg.sub)?.event(msg.event);
    else if (msg.type === 'reconnected') listeners.get(msg.sub)?.reconnected();
    else if (msg.type === 'subscribed') waiting.get(msg.sub)?.resolve(msg.callbacks);
    else if (msg.type === 'failed') waiting.get(msg.sub)?.reject(LibvirtError.from(msg.error));
    else if (msg.type === 'unsubscribed') unsubscribing.get(msg.sub)?.();
    if (msg.type !== 'event') waiting.delete(msg.sub);
  };
  // The worker sits in a blocking libvirt call most of the time; it must not keep the process alive.
  (w as Worker & { unref(): void }).unref();
  worker = w;
  return w;
}

function send(msg: ToEventWorker): void {
  hub().postMessage(msg);
}

/**
 * A live subscription to one URI's domain events. Read it with `for await (const e of events)` or
 * `events.on(listener)`; `close()` ends both.
 */
export class DomainEvents implements AsyncIterable<DomainEvent> {
  private readonly queue: DomainEvent[] = [];
  private readonly readers: ((r: IteratorResult<DomainEvent>) => void)[] = [];
  private readonly extra = new Set<Listener>();
  private readonly reconnectListeners = new Set<() => void>();
  private closed = false;

  private constructor(
    private readonly sub: number,
    /** Which callbacks libvirt accepted ('lifecycle', and 'reboot' where supported). */
    readonly callbacks: string[],
    private readonly maxQueued: number,
  ) {}

  /**
   * Opens a subscription connection to `uri` inside the event worker. Events no iterator or
   * waitFor() has taken are queued up to `maxQueued` (the newest kept): a subscriber that only
   * uses `on()` — the agent for its whole life — must not hold every event it ever saw.
   */
  static async subscribe(
    uri: string,
    { maxQueued = 1000 }: { maxQueued?: number } = {},
  ): Promise<DomainEvents> {
    const sub = nextSub++;
    const callbacks = await new Promise<string[]>((resolve, reject) => {
      waiting.set(sub, { resolve, reject });
      send({ type: 'subscribe', sub, uri });
    });
    const events = new DomainEvents(sub, callbacks, Math.max(1, maxQueued));
    listeners.set(sub, { event: (e) => events.push(e), reconnected: () => events.notifyReconnected() });
    return events;
  }

  private push(e: DomainEvent): void {
    for (const l of this.extra) l(e);
    const reader = this.readers.shift();
    if (reader) reader({ value: e, done: false });
    else if (this.queue.push(e) > this.maxQueued) this.queue.shift();
  }

  private notifyReconnected(): void {
    for (const l of this.reconnectListeners) l();
  }

  /**
   * Calls `listener` after the subscription's connection was lost (libvirtd restarted) and reopened:
   * events in between are lost, so re-read the domains' states.
   */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /** Calls `listener` for every event from now on; returns a function that stops it. */
  on(listener: Listener): () => void {
    this.extra.add(listener);
    return () => this.extra.delete(listener);
  }

  /** Resolves with the first event (queued or future) that matches, or rejects after `timeoutMs`. */
  waitFor(match: (e: DomainEvent) => boolean, timeoutMs = 10_000): Promise<DomainEvent> {
    const queued = this.queue.findIndex(match);
    if (queued >= 0) return Promise.resolve(this.queue.splice(queued, 1)[0] as DomainEvent);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching domain event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on((e) => {
        if (!match(e)) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
    });
  }

  /** Events received and not yet read by an iterator or waitFor(). */
  drain(): DomainEvent[] {
    return this.queue.splice(0);
  }

  [Symbol.asyncIterator](): AsyncIterator<DomainEvent> {
    return {
      next: () => {
        const e = this.queue.shift();
        if (e) return Promise.resolve({ value: e, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.readers.push(resolve));
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  /** Deregisters the callbacks and closes the subscription's connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    listeners.delete(this.sub);
    for (const r of this.readers.splice(0)) r({ value: undefined, done: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      unsubscribing.set(this.sub, () => {
        clearTimeout(timer);
        unsubscribing.delete(this.sub);
        resolve();
      });
      send({ type: 'unsubscribe', sub: this.sub });
    });
  }
}
