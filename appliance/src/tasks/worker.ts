import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { DB, TaskRow } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../observability/logger.ts';
import type { TaskPayload, TaskType, TestTaskType } from './catalog.ts';
import { Reverter } from './revert.ts';
import * as repo from './task-repository.ts';

/** What a handler gets to do its work; `payload` is typed by the task catalog. */
export interface TaskContext<P = Record<string, unknown>> {
  task: TaskRow;
  payload: P;
  /**
   * Aborted when the task is cancelled, its lease is lost or the worker stops. Pass it on to long
   * waits and agent calls: the worker waits for the handler to stop before it undoes anything.
   */
  signal: AbortSignal;
  /** Undo steps; run automatically (once the handler has stopped) when it throws or is cancelled. */
  revert: Reverter;
  progress(percent: number, message?: string): Promise<void>;
  log(message: string, data?: Record<string, unknown>, level?: 'info' | 'warn' | 'error'): Promise<void>;
}

/**
 * A task type's implementation. It must be safe to run again after a crash: check the state of
 * the world before acting (ids are fixed in the payload when the task is created).
 */
export type TaskHandler<P = Record<string, unknown>> = (
  ctx: TaskContext<P>,
) => Promise<Record<string, unknown> | undefined>;

/** The handler of one catalog type, its payload typed by the type's schema. */
export type CatalogTaskHandler<T extends TaskType> = TaskHandler<TaskPayload<T>>;

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
  /**
   * How long an aborted handler may take to stop before its task is settled without it. Its undo
   * steps still wait for it: they never run beside a handler that is still working.
   */
  abortGraceMs?: number;
  /** Told of each task this worker settles for good (for paddock_tasks_total). */
  onFinished?: (type: string, status: FinalStatus) => void;
}

export type FinalStatus = 'succeeded' | 'failed' | 'cancelled';

/**
 * Claims tasks from the `tasks` table and runs their handlers: several workers (in `serve` and in
 * `paddock worker` processes) share one PostgreSQL queue through SKIP LOCKED; a lease renewed
 * while a handler runs lets another worker resume a task whose worker died.
 */
export class TaskWorker {
  readonly #handlers = new Map<string, TaskHandler>();
  readonly #running = new Map<string, AbortController>();
  readonly #opts: Required<Omit<WorkerOptions, 'onFinished'>>;
  readonly #onFinished: WorkerOptions['onFinished'];
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
      abortGraceMs: options.abortGraceMs ?? 30_000,
    };
    this.#onFinished = options.onFinished;
  }

  get owner(): string {
    return this.#opts.owner;
  }

  /** The task types this worker runs. */
  get types(): string[] {
    return [...this.#handlers.keys()];
  }

  /** One handler per type: a second registration of a type is a wiring mistake. */
  register<T extends TaskType>(type: T, handler: CatalogTaskHandler<T>): this;
  /** Ad-hoc types of tests (`test.*`), outside the catalog, with an untyped payload. */
  register(type: TestTaskType, handler: TaskHandler): this;
  register(type: string, handler: TaskHandler<never>): this {
    if (this.#handlers.has(type)) throw new Error(`task type ${type} already has a handler`);
    // The payload was typed by the catalog when it was enqueued; rows carry it as plain JSON.
    this.#handlers.set(type, handler as TaskHandler);
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

  /**
   * Stops claiming; running handlers are aborted and their tasks left for another worker. Waits
   * for them to stop, at most the abort grace period.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#unlisten?.();
    this.#unlisten = undefined;
    for (const controller of this.#running.values()) controller.abort(new StoppingError());
    const deadline = Date.now() + this.#opts.abortGraceMs;
    while (this.#running.size > 0 && Date.now() < deadline) await Bun.sleep(20);
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
        const task = await repo.claimTask(
          this.db,
          this.#opts.owner,
          this.#opts.leaseMs,
          [...this.#handlers.keys()],
          this.#running.keys(),
        );
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
          if (!lease.ours) controller.abort(new LeaseLostError());
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
    const handler = this.#handlers.get(task.type)!;
    // Through an async function: a handler that throws before its first await still settles here.
    const work = (async () => {
      if (task.cancel_requested) throw new CancelledError();
      return handler(ctx);
    })();
    // Settles when the handler does, or once the abort grace has run out after an abort.
    const outcome = await settleOrGiveUp(work, controller.signal, this.#opts.abortGraceMs);
    let stillRunning = false;
    try {
      if (outcome.kind === 'done' && !controller.signal.aborted) {
        revert.success();
        const result = outcome.value;
        if (await repo.finishTask(this.db, task.id, owner, { status: 'succeeded', result: result ?? {} })) {
          this.#onFinished?.(task.type, 'succeeded');
          await repo.addEvent(this.db, task.id, 'info', 'succeeded');
          this.#publish(task.id, { status: 'succeeded', progress: 100, result });
        }
        return;
      }
      const reason = controller.signal.aborted
        ? controller.signal.reason
        : outcome.kind === 'threw'
          ? outcome.error
          : undefined;
      // A stopping worker behaves like a crash, and a lost lease means another worker has resumed
      // the task from where this one got: undoing would pull its work from under it.
      const undo = !(reason instanceof StoppingError || reason instanceof LeaseLostError);
      if (outcome.kind === 'running') {
        stillRunning = true;
        log.warn({ graceMs: this.#opts.abortGraceMs }, 'aborted handler still running');
        await repo.addEvent(
          this.db,
          task.id,
          'warn',
          `the handler did not stop within ${this.#opts.abortGraceMs} ms of the abort${undo ? '; its undo steps run once it does' : ''}`,
        );
        // The slot stays taken (and the task unclaimable here) until the handler really stops.
        void work
          .catch(() => {})
          .then(async () => {
            if (undo) await this.#undo(task.id, revert);
          })
          .catch((error) => log.error({ err: error }, 'late undo failed'))
          .finally(() => this.#release(task.id));
      } else if (undo) {
        await this.#undo(task.id, revert);
      }
      await this.#settleFailure(task, reason, log);
    } catch (error) {
      log.error({ err: error }, 'settling the task failed');
    } finally {
      clearInterval(renew);
      if (!stillRunning) this.#release(task.id);
    }
  }

  async #undo(taskId: string, revert: Reverter): Promise<void> {
    const undoFailures = await revert.revert();
    if (undoFailures.length > 0)
      await repo.addEvent(this.db, taskId, 'error', 'undo steps failed', { undoFailures });
  }

  #release(taskId: string): void {
    this.#running.delete(taskId);
    if (!this.#stopped) void this.poll();
  }

  async #settleFailure(task: TaskRow, reason: unknown, log: Logger): Promise<void> {
    const owner = this.#opts.owner;
    const message = reason instanceof Error ? reason.message : String(reason);
    if (reason instanceof StoppingError) {
      // Leave it running with its lease: the next worker to start resumes it.
      log.info('left for another worker');
      return;
    }
    if (reason instanceof LeaseLostError) {
      log.warn("lease lost: the task is another worker's now");
      return;
    }
    if (reason instanceof CancelledError) {
      if (
        await repo.finishTask(this.db, task.id, owner, {
          status: 'cancelled',
          error: { code: 'CANCELLED', message: 'cancelled' },
        })
      ) {
        this.#onFinished?.(task.type, 'cancelled');
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
      this.#onFinished?.(task.type, 'failed');
      await repo.addEvent(this.db, task.id, 'error', `failed: ${message}`);
      this.#publish(task.id, { status: 'failed', error });
      log.warn({ error }, 'task failed');
    }
  }

  #publish(id: string, data: Record<string, unknown>): void {
    this.events.publish({ kind: 'task', id, permission: 'tasks:read', data });
  }
}

/** The worker is stopping: its tasks are left, with their leases, for the next worker. */
class StoppingError extends Error {
  constructor() {
    super('worker stopping');
  }
}

/** Another worker holds the task now (this one's lease ran out before a renewal). */
class LeaseLostError extends Error {
  constructor() {
    super('lease lost');
  }
}

/** A handler's work stopped because the task was cancelled. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

type Outcome<T> = { kind: 'done'; value: T } | { kind: 'threw'; error: unknown } | { kind: 'running' };

/**
 * The handler's outcome once it settles. After an abort it gets `graceMs` more to stop (a handler
 * that heeds its signal between steps finishes the step under way); past that, `running`.
 */
function settleOrGiveUp<T>(work: Promise<T>, signal: AbortSignal, graceMs: number): Promise<Outcome<T>> {
  const settled = work.then(
    (value): Outcome<T> => ({ kind: 'done', value }),
    (error: unknown): Outcome<T> => ({ kind: 'threw', error }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const gaveUp = new Promise<Outcome<T>>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve({ kind: 'running' }), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([settled, gaveUp]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}
