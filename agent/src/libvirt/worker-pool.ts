/**
 * Main-thread side of the call workers: N Workers, each with its own libvirt connection, each running
 * one call at a time. Calls wait in one shared queue and go to whichever worker is free first, so a
 * slow destroy on one worker never holds up a quick call while another worker is idle.
 */
import { ErrorCode, ErrorDomain, LibvirtError, type LibvirtErrorData } from './errors.ts';
import type { OpArgs, OpName, OpResult } from './native/ops.ts';
import type { FromWorker, ToWorker } from './worker-messages.ts';
import { workerUrl } from './worker-url.ts';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Job {
  id: number;
  op: string;
  args: unknown[];
  pending: Pending;
}

interface Slot {
  worker: Worker;
  /** The call running in this worker, if any (a worker runs one at a time). */
  running: Job | undefined;
  /** Calls that must run in this worker (a stream's), ahead of the shared queue. */
  pinned: Job[];
  /** Set when the Worker itself failed; it gets no more calls. */
  dead?: boolean;
  closed?: () => void;
}

const WORKER_URL = workerUrl('worker');

function post(slot: Slot, msg: ToWorker): void {
  slot.worker.postMessage(msg);
}

function failRunning(slot: Slot, error: LibvirtErrorData): void {
  slot.running?.pending.reject(LibvirtError.from(error));
  slot.running = undefined;
}

/** A pool of libvirt call workers connected to one URI. */
export class WorkerPool {
  private nextId = 1;
  private closing = false;

  private constructor(
    readonly uri: string,
    private readonly slots: Slot[],
  ) {}

  /** Starts `size` workers and opens their connections; rejects if any connection fails. */
  static async start(uri: string, size: number): Promise<WorkerPool> {
    const slots: Slot[] = [];
    const opened: Promise<void>[] = [];
    let pool: WorkerPool | undefined;
    for (let i = 0; i < Math.max(1, size); i++) {
      const slot: Slot = {
        worker: new Worker(WORKER_URL),
        running: undefined,
        pinned: [],
      };
      slots.push(slot);
      opened.push(
        new Promise<void>((resolve, reject) => {
          slot.worker.onmessage = (e: MessageEvent<FromWorker>) => {
            const msg = e.data;
            if (msg.type === 'opened') resolve();
            else if (msg.type === 'open-failed') reject(LibvirtError.from(msg.error));
            else if (msg.type === 'result') {
              const job = slot.running;
              slot.running = undefined;
              if (job?.id === msg.id) {
                if (msg.error) job.pending.reject(LibvirtError.from(msg.error));
                else job.pending.resolve(msg.value);
              }
              pool?.dispatch();
            } else if (msg.type === 'closed') slot.closed?.();
          };
          slot.worker.onerror = (e: ErrorEvent) => {
            const error = {
              code: ErrorCode.INTERNAL_ERROR,
              domain: ErrorDomain.NONE,
              message: `libvirt worker failed: ${e.message}`,
            };
            slot.dead = true;
            failRunning(slot, error);
            for (const job of slot.pinned.splice(0)) job.pending.reject(LibvirtError.from(error));
            reject(LibvirtError.from(error));
            pool?.dispatch();
          };
        }),
      );
      post(slot, { type: 'open', uri });
    }
    pool = new WorkerPool(uri, slots);
    try {
      await Promise.all(opened);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  private readonly queue: Job[] = [];

  /** Index of a worker for a new stream: an idle one if any, else the one with the least pinned work. */
  leastBusy(): number {
    let best = 0;
    let bestLoad = Infinity;
    this.slots.forEach((slot, i) => {
      const load = slot.dead ? Infinity : (slot.running ? 1 : 0) + slot.pinned.length;
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    });
    return best;
  }

  /** Runs `op` on the first worker that is free. */
  call<K extends OpName>(op: K, ...args: OpArgs<K>): Promise<OpResult<K>> {
    return this.enqueue(undefined, op, args);
  }

  /** Runs `op` on worker `index` (streams live in one worker and must stay there). */
  callOn<K extends OpName>(index: number, op: K, ...args: OpArgs<K>): Promise<OpResult<K>> {
    return this.enqueue(index, op, args);
  }

  private enqueue<K extends OpName>(index: number | undefined, op: K, args: unknown[]): Promise<OpResult<K>> {
    const target = index === undefined ? undefined : this.slots[index];
    if (this.closing || (index !== undefined && (!target || target.dead))) {
      return Promise.reject(
        new LibvirtError(ErrorCode.INVALID_CONN, ErrorDomain.NONE, 'connection is closed'),
      );
    }
    return new Promise<OpResult<K>>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        op,
        args,
        pending: { resolve: resolve as (v: unknown) => void, reject },
      };
      if (index === undefined) this.queue.push(job);
      else this.slots[index]?.pinned.push(job);
      this.dispatch();
    });
  }

  /** Hands queued calls to idle workers: pinned work first, then the shared queue. */
  private dispatch(): void {
    if (this.slots.every((s) => s.dead)) {
      const error = {
        code: ErrorCode.INTERNAL_ERROR,
        domain: ErrorDomain.NONE,
        message: 'every libvirt worker failed',
      };
      for (const job of this.queue.splice(0)) job.pending.reject(LibvirtError.from(error));
      return;
    }
    for (const slot of this.slots) {
      if (slot.running || slot.dead) continue;
      const job = slot.pinned.shift() ?? this.queue.shift();
      if (!job) continue;
      slot.running = job;
      post(slot, { type: 'call', id: job.id, op: job.op, args: job.args });
    }
  }

  /** Closes every connection (waiting for calls in flight) and stops the workers. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const closed = { code: ErrorCode.INVALID_CONN, domain: ErrorDomain.NONE, message: 'connection closed' };
    for (const job of this.queue.splice(0)) job.pending.reject(LibvirtError.from(closed));
    for (const slot of this.slots)
      for (const job of slot.pinned.splice(0)) job.pending.reject(LibvirtError.from(closed));
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 30_000);
            slot.closed = () => {
              clearTimeout(timer);
              resolve();
            };
            post(slot, { type: 'close' });
          }),
      ),
    );
    for (const slot of this.slots) {
      failRunning(slot, closed);
      slot.worker.terminate();
    }
  }
}
