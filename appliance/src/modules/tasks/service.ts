import type { Task, TaskDetail } from '@paddock/protocol/api/tasks';
import type { Kysely, Transaction } from 'kysely';
import type { DB, TaskRow } from '../../db/database.ts';
import type { ListParams, ListResult } from '../../db/list-query.ts';
import type { EventBus } from '../../events/event-bus.ts';
import { afterCommit } from '../../db/after-commit.ts';
import { AppError } from '../../errors.ts';
import type { TaskPayload, TaskType, TestTaskType } from '../../tasks/catalog.ts';
import * as repo from '../../tasks/task-repository.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import { assertHolds, permissionsHeld } from '../auth/grants.ts';
import { permissionsToRetry } from './retry-access.ts';

type TaskFields = Omit<repo.NewTaskInput, 'type' | 'payload'>;
/** A task of a catalog type, its payload typed by the type's schema (one member per type). */
export type NewTask<T extends TaskType = TaskType> = {
  [K in T]: TaskFields & { type: K; payload: TaskPayload<K> };
}[T];
/** A task of an ad-hoc test type (`test.*`, outside the catalog). */
export type NewTestTask = TaskFields & { type: TestTaskType; payload: Record<string, unknown> };

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The API view of a task row. */
export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    type: row.type,
    status: row.status as Task['status'],
    progress: row.progress,
    targetType: row.target_type,
    targetId: row.target_id,
    parentId: row.parent_id,
    error: (row.error as Task['error']) ?? null,
    result: (row.result as Task['result']) ?? null,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

/** Enqueueing, reading, cancelling and retrying tasks. */
export class TasksService {
  /** Called after a task is committed so a worker in this process picks it up at once. */
  nudge: () => void;
  /** Told of a task cancelled before any worker started it (for paddock_tasks_total). */
  readonly onCancelledQueued: (type: string) => void;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly events: EventBus,
    hooks: { nudge?: () => void; onCancelledQueued?: (type: string) => void } = {},
  ) {
    this.nudge = hooks.nudge ?? (() => {});
    this.onCancelledQueued = hooks.onCancelledQueued ?? (() => {});
  }

  /** Adds a task inside the caller's transaction (with the change that needs it). */
  async enqueue(trx: Transaction<DB> | Kysely<DB>, input: NewTask | NewTestTask): Promise<Task> {
    const task = toTask(await repo.insertTask(trx, input));
    // Workers everywhere hear of it through NOTIFY once the caller's transaction commits; this
    // process's worker is woken directly after the commit (saves the NOTIFY round trip), and the
    // consoles get the whole new row (from RETURNING: no extra statement on the enqueue path).
    // Neither happens before: a worker could miss the row, or consoles see a task that then rolls
    // back. Published before the nudge so a console sees `queued` before the worker's `running`.
    afterCommit(trx, () => {
      this.#publish(task);
      this.nudge();
    });
    return task;
  }

  /** A task's whole row to the consoles (a new or requeued task: deltas would not build it). */
  #publish(task: Task): void {
    this.events.publish({ kind: 'task', id: task.id, permission: 'tasks:read', data: task });
  }

  async list(params: ListParams & { root?: boolean }): Promise<ListResult<Task>> {
    const page = await repo.listTasks(this.db, params);
    return { ...page, items: page.items.map(toTask) };
  }

  async get(id: string): Promise<TaskDetail> {
    const row = await repo.findTask(this.db, id);
    if (!row) throw new AppError('TASK_NOT_FOUND', `task ${id} does not exist`);
    const events = await repo.taskEvents(this.db, id);
    return {
      ...toTask(row),
      events: events.map((e) => ({
        id: Number(e.id),
        level: e.level,
        message: e.message,
        progress: e.progress,
        data: (e.data as Record<string, unknown> | null) ?? null,
        at: new Date(e.created_at).toISOString(),
      })),
    };
  }

  async cancel(actor: Actor, id: string): Promise<Task> {
    const task = await auditedChange(this.db, actor, async (trx) => {
      const row = await repo.requestCancel(trx, id);
      if (!row) throw new AppError('TASK_NOT_FOUND', `task ${id} does not exist`);
      if (['succeeded', 'failed'].includes(row.status)) {
        throw new AppError('CONFLICT', `task ${id} already ${row.status}`);
      }
      return { result: toTask(row), audit: { targetType: 'task', targetId: id, detail: { type: row.type } } };
    });
    if (task.status === 'cancelled') this.onCancelledQueued(task.type);
    this.events.publish({
      kind: 'task',
      id,
      permission: 'tasks:read',
      data: { status: task.status, cancelRequested: true },
    });
    return task;
  }

  async retry(actor: Actor, id: string): Promise<Task> {
    const task = await auditedChange(this.db, actor, async (trx) => {
      const before = await repo.findTask(trx, id);
      if (!before) throw new AppError('TASK_NOT_FOUND', `task ${id} does not exist`);
      assertHolds(
        await permissionsHeld(trx, actor),
        permissionsToRetry(before.type),
        `retrying ${before.type}`,
      );
      if (!['failed', 'cancelled'].includes(before.status)) {
        throw new AppError(
          'CONFLICT',
          `only failed or cancelled tasks can be retried; task ${id} is ${before.status}`,
        );
      }
      await repo.requeueForRetry(trx, id);
      return {
        result: toTask((await repo.findTask(trx, id))!),
        audit: { targetType: 'task', targetId: id, detail: { type: before.type } },
      };
    });
    this.#publish(task);
    this.nudge();
    return task;
  }
}
