import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { DB, TaskRow } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../observability/logger.ts';
import { Reverter } from './revert.ts';
import * as repo from './task-repository.ts';

/** What a handler gets to do its work. */
export interface TaskContext {
  task: TaskRow;
  payload: Record<string, unknown>;
  /** Aborted when the task is cancelled or its lease is lost. */
  signal: AbortSignal;
  /** Undo steps; run automatically when the handler throws or is cancelled. */
  revert: Reverter;
  progress(percent: number, message?: string): Promise<void>;
  log(message: string, data?: Record<string, unknown>, level?: 'info' | 'warn' | 'error'): Promise<void>;
}

/**
 * A task type's implementation. It must be safe to run again after a crash: check the state of
 * the world before acting (ids are fixed in the payload when the task is created).
 */
export type TaskHandler = (ctx: TaskContext) => Promise<Record<string, unknown> | undefined>;

/** An error that retrying cannot fix (bad input, conflicting state): fail at once. */
export class PermanentTaskError extends Error {
  constructor(
    message: string,
    readonly code = 'TASK_FAILED',
  ) {
    super(message);
  }
}

export interface WorkerOptions {
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  /** Base of the exponential retry backoff. */
  backoffMs?: number;
  owner?: string;
}

/**
 * Claims tasks from the `tasks` table and runs their handlers: several workers (in `serve` and in
 * `paddock worker` processes) share one PostgreSQL queue through SKIP LOCKED; a lease renewed
 * while a handler runs lets another worker resume a task whose worker died.
 */
export class TaskWorker {
  readonly #handlers = new Map<string, TaskHandler>();
  readonly #running = new Map<string, AbortController>();
  readonly #opts: Required<WorkerOptions>;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = true;
  #polling = false;
  #pollAgain = false;
  #unlisten: (() => Promise<void>) | undefined;
  #listenWith: ((channel: string, onNotify: () => void) => Promise<() => Promise<void>>) | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly logger: Logger,
    private readonly events: EventBus,
    options: WorkerOptions = {},
  ) {
    this.#opts = {
      concurrency: options.concurrency ?? 4,
      leaseMs: options.leaseMs ?? 30_000,
      pollMs: options.pollMs ?? 500,
      backoffMs: options.backoffMs ?? 2_000,
      owner: options.owner ?? `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`,
    };
  }

  get owner(): string {
    return this.#opts.owner;
  }

  /** The task types this worker has a handler for. */
  get types(): string[] {
    return [...this.#handlers.keys()];
  }

  register(type: string, handler: TaskHandler): this {
    this.#handlers.set(type, handler);
    return this;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#timer = setInterval(() => void this.poll(), this.#opts.pollMs);
    void this.#subscribe().catch((error) =>
      this.logger.warn({ err: error }, 'cannot LISTEN for new tasks; polling only'),
    );
    void this.poll();
  }

  /** Polls whenever a task is committed anywhere, in this process or another (NOTIFY from insertTask). */
  async listen(
    listen: (channel: string, onNotify: () => void) => Promise<() => Promise<void>>,
  ): Promise<void> {
    this.#listenWith = listen;
    if (!this.#stopped) await this.#subscribe();
  }

  async #subscribe(): Promise<void> {
    if (!this.#listenWith || this.#unlisten) return;
    this.#unlisten = await this.#listenWith('paddock_tasks', () => void this.poll());
  }

  /** Stops claiming; running handlers are aborted and their tasks left for another worker. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#unlisten?.();
    this.#unlisten = undefined;
    for (const controller of this.#running.values()) controller.abort(new Error('worker stopping'));
    while (this.#running.size > 0) await Bun.sleep(20);
  }

  /**
   * Claims and starts as many tasks as there are free slots. Also call it once an enqueueing
   * transaction has committed. A call while a poll runs makes that poll go round once more: the
   * task it announces may have committed after the running poll's last claim found nothing.
   */
  async poll(): Promise<void> {
    if (this.#stopped) return;
    if (this.#polling) {
      this.#pollAgain = true;
      return;
    }
    this.#polling = true;
    try {
      while (!this.#stopped && this.#running.size < this.#opts.concurrency) {
        const task = await repo.claimTask(this.db, this.#opts.owner, this.#opts.leaseMs, [
          ...this.#handlers.keys(),
        ]);
        if (!task) break;
        void this.#run(task);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'task poll failed');
    } finally {
      this.#polling = false;
      if (this.#pollAgain) {
        this.#pollAgain = false;
        void this.poll();
      }
    }
  }

  async #run(task: TaskRow): Promise<void> {
    const controller = new AbortController();
    this.#running.set(task.id, controller);
    const owner = this.#opts.owner;
    const log = this.logger.child({ taskId: task.id, type: task.type });
    this.#publish(task.id, { status: 'running', progress: task.progress, attempts: task.attempts });
    const renew = setInterval(
      async () => {
        try {
          const lease = await repo.renewLease(this.db, task.id, owner, this.#opts.leaseMs);
          if (!lease.ours) controller.abort(new Error('lease lost'));
          else if (lease.cancel) controller.abort(new CancelledError());
        } catch (error) {
          log.warn({ err: error }, 'lease renewal failed');
        }
      },
      Math.max(50, Math.floor(this.#opts.leaseMs / 3)),
    );
    const revert = new Reverter();
    const ctx: TaskContext = {
      task,
      payload: task.payload as Record<string, unknown>,
      signal: controller.signal,
      revert,
      progress: async (percent, message) => {
        // A handler that ignores its signal keeps running after a cancel or a lost lease: stop it
        // here, or its progress would publish `running` over the task's final state.
        if (controller.signal.aborted) throw controller.signal.reason;
        const p = Math.max(0, Math.min(100, Math.round(percent)));
        await repo.setProgress(this.db, task.id, p, message);
        this.#publish(task.id, { status: 'running', progress: p, message });
      },
      log: async (message, data, level = 'info') => {
        await repo.addEvent(this.db, task.id, level, message, data);
      },
    };
    try {
      const handler = this.#handlers.get(task.type)!;
      if (task.cancel_requested) throw new CancelledError();
      const result = await abortable(handler(ctx), controller.signal);
      revert.success();
      if (await repo.finishTask(this.db, task.id, owner, { status: 'succeeded', result: result ?? {} })) {
        await repo.addEvent(this.db, task.id, 'info', 'succeeded');
        this.#publish(task.id, { status: 'succeeded', progress: 100, result });
      }
    } catch (thrown) {
      const reason = controller.signal.aborted ? controller.signal.reason : thrown;
      // A stopping worker behaves like a crash: nothing is undone, the next worker resumes the task.
      if (!isStopping(reason)) {
        const undoFailures = await revert.revert();
        if (undoFailures.length > 0)
          await repo.addEvent(this.db, task.id, 'error', 'undo steps failed', { undoFailures });
      }
      await this.#settleFailure(task, reason, log);
    } finally {
      clearInterval(renew);
      this.#running.delete(task.id);
      if (!this.#stopped) void this.poll();
    }
  }

  async #settleFailure(task: TaskRow, reason: unknown, log: Logger): Promise<void> {
    const owner = this.#opts.owner;
    const message = reason instanceof Error ? reason.message : String(reason);
    if (isStopping(reason)) {
      // Leave it running with its lease: the next worker to start resumes it.
      log.info('left for another worker');
      return;
    }
    if (reason instanceof CancelledError) {
      if (
        await repo.finishTask(this.db, task.id, owner, {
          status: 'cancelled',
          error: { code: 'CANCELLED', message: 'cancelled' },
        })
      ) {
        await repo.addEvent(this.db, task.id, 'warn', 'cancelled');
        this.#publish(task.id, { status: 'cancelled' });
      }
      return;
    }
    const code =
      reason instanceof PermanentTaskError
        ? reason.code
        : ((reason as { code?: string })?.code ?? 'TASK_FAILED');
    const error = { code, message };
    const permanent = reason instanceof PermanentTaskError;
    if (!permanent && task.attempts < task.max_attempts) {
      const delay = this.#opts.backoffMs * 2 ** (task.attempts - 1);
      if (await repo.requeueTask(this.db, task.id, owner, delay, error)) {
        await repo.addEvent(
          this.db,
          task.id,
          'warn',
          `attempt ${task.attempts} failed: ${message}; retrying in ${delay} ms`,
        );
        this.#publish(task.id, { status: 'queued', error });
      }
      return;
    }
    if (await repo.finishTask(this.db, task.id, owner, { status: 'failed', error })) {
      await repo.addEvent(this.db, task.id, 'error', `failed: ${message}`);
      this.#publish(task.id, { status: 'failed', error });
      log.warn({ error }, 'task failed');
    }
  }

  #publish(id: string, data: Record<string, unknown>): void {
    this.events.publish({ kind: 'task', id, permission: 'tasks:read', data });
  }
}

const isStopping = (reason: unknown) => reason instanceof Error && reason.message === 'worker stopping';

/** A handler's work stopped because the task was cancelled. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

// Rejects as soon as the signal aborts, even if the handler ignores its signal.
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
