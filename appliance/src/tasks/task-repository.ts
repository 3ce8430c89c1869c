import { type Kysely, sql, type Transaction } from 'kysely';
import type { Conn, DB, TaskRow } from '../db/database.ts';
import { type ListParams, type ListSpec, runList } from '../db/list-query.ts';

/** A task to enqueue. Its id is fixed here so handlers can derive idempotent ids from it. */
export interface NewTaskInput {
  id?: string;
  type: string;
  payload: Record<string, unknown>;
  targetType?: string;
  targetId?: string;
  parentId?: string;
  createdBy: string | null;
  maxAttempts?: number;
}

/**
 * Adds a queued task with its first event and wakes every listening worker, in any process, once
 * the enclosing transaction commits — in ONE statement: each round trip costs about a millisecond
 * on the path from an API call to the agent.
 */
export async function insertTask(db: Conn, input: NewTaskInput): Promise<TaskRow> {
  const now = new Date();
  return db
    .with('t', (q) =>
      q
        .insertInto('tasks')
        .values({
          id: input.id ?? crypto.randomUUID(),
          type: input.type,
          payload: JSON.stringify(input.payload),
          status: 'queued',
          target_type: input.targetType ?? null,
          target_id: input.targetId ?? null,
          parent_id: input.parentId ?? null,
          error: null,
          result: null,
          max_attempts: input.maxAttempts ?? 3,
          run_after: now,
          created_by: input.createdBy,
          updated_at: now,
        })
        .returningAll(),
    )
    .with('e', (q) =>
      q
        .insertInto('task_events')
        .columns(['task_id', 'level', 'message', 'progress'])
        .expression((eb) =>
          eb
            .selectFrom('t')
            .select([
              't.id',
              sql.lit('info').as('level'),
              sql.lit('queued').as('message'),
              sql.lit(0).as('progress'),
            ]),
        ),
    )
    .with('n', (q) => q.selectNoFrom(sql`pg_notify('paddock_tasks', '')`.as('notified')))
    .selectFrom(['t', 'n'])
    .selectAll('t')
    .executeTakeFirstOrThrow() as Promise<TaskRow>;
}

/**
 * Claims the next runnable task: a queued one whose time has come, or a running one whose lease
 * expired (its worker died). SKIP LOCKED lets several workers claim side by side. `running`: the
 * ids the claiming worker runs itself — a lease of its own that ran out (a late renewal) must not
 * start the same task a second time beside the first.
 */
export async function claimTask(
  db: Kysely<DB>,
  owner: string,
  leaseMs: number,
  types: string[],
  running: Iterable<string> = [],
): Promise<TaskRow | undefined> {
  if (types.length === 0) return undefined;
  const now = new Date();
  const mine = [...running];
  const notMine = mine.length > 0 ? sql`AND id NOT IN (${sql.join(mine)})` : sql``;
  // One statement (pick, lease, log): it sits on the path of every task, see insertTask.
  const { rows } = await sql<TaskRow & { recovered: boolean }>`
    WITH picked AS (
      SELECT id, status = 'running' AS recovered FROM tasks
      WHERE type IN (${sql.join(types)})
        AND ((status = 'queued' AND run_after <= ${now}) OR (status = 'running' AND lease_expires_at < ${now}))
        ${notMine}
      ORDER BY run_after LIMIT 1
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE tasks SET status = 'running', lease_owner = ${owner},
        lease_expires_at = ${new Date(now.getTime() + leaseMs)}, attempts = attempts + 1,
        started_at = coalesce(started_at, ${now}), updated_at = ${now}
      FROM picked WHERE tasks.id = picked.id
      RETURNING tasks.*, picked.recovered
    ), logged AS (
      INSERT INTO task_events (task_id, level, message)
      SELECT id,
        CASE WHEN recovered THEN 'warn' ELSE 'info' END,
        CASE WHEN recovered THEN ${`resumed by ${owner} after the previous worker's lease expired`}
             ELSE ${`started by ${owner}`} END
      FROM claimed
    )
    SELECT * FROM claimed`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const { recovered: _recovered, ...task } = row;
  return task;
}

/** Runs a just-inserted task under `owner`'s lease: for work its request drives itself (uploads). */
export async function takeLease(db: Conn, id: string, owner: string, leaseMs: number): Promise<void> {
  const now = new Date();
  await db
    .updateTable('tasks')
    .set({
      status: 'running',
      lease_owner: owner,
      lease_expires_at: new Date(now.getTime() + leaseMs),
      attempts: 1,
      started_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** The child tasks of a parent (a bulk action's), in no particular order. */
export function childTasks(db: Conn, parentId: string) {
  return db
    .selectFrom('tasks')
    .select(['status', 'target_id', 'error'])
    .where('parent_id', '=', parentId)
    .execute();
}

/** Extends the lease; false when the task is no longer ours (taken over, or finished). */
export async function renewLease(
  db: Conn,
  id: string,
  owner: string,
  leaseMs: number,
): Promise<{ ours: boolean; cancel: boolean }> {
  const row = await db
    .updateTable('tasks')
    .set({ lease_expires_at: new Date(Date.now() + leaseMs) })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .returning('cancel_requested')
    .executeTakeFirst();
  return { ours: Boolean(row), cancel: Boolean(row?.cancel_requested) };
}

export async function setProgress(db: Conn, id: string, progress: number, message?: string): Promise<void> {
  await db.updateTable('tasks').set({ progress, updated_at: new Date() }).where('id', '=', id).execute();
  if (message)
    await db
      .insertInto('task_events')
      .values({ task_id: id, level: 'info', message, progress, data: null })
      .execute();
}

export async function addEvent(
  db: Conn,
  id: string,
  level: string,
  message: string,
  data?: Record<string, unknown>,
) {
  await db
    .insertInto('task_events')
    .values({ task_id: id, level, message, progress: null, data: data ? JSON.stringify(data) : null })
    .execute();
}

/** Ends a task for good. Only the lease owner may (a task taken over is not finished twice). */
export async function finishTask(
  db: Conn,
  id: string,
  owner: string,
  outcome: { status: 'succeeded' | 'failed' | 'cancelled'; result?: unknown; error?: unknown },
): Promise<boolean> {
  const now = new Date();
  const r = await db
    .updateTable('tasks')
    .set({
      status: outcome.status,
      progress: outcome.status === 'succeeded' ? 100 : sql`progress`,
      result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
      error: outcome.error === undefined ? null : JSON.stringify(outcome.error),
      lease_owner: null,
      lease_expires_at: null,
      finished_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Puts a failed attempt back in the queue after `delayMs`. */
export async function requeueTask(
  db: Conn,
  id: string,
  owner: string,
  delayMs: number,
  error: unknown,
): Promise<boolean> {
  const r = await db
    .updateTable('tasks')
    .set({
      status: 'queued',
      run_after: new Date(Date.now() + delayMs),
      error: JSON.stringify(error),
      lease_owner: null,
      lease_expires_at: null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export function findTask(db: Conn, id: string) {
  return db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
}

export function taskEvents(db: Conn, id: string) {
  return db.selectFrom('task_events').selectAll().where('task_id', '=', id).orderBy('id').execute();
}

export const taskListSpec: ListSpec = {
  sortable: { id: 'id', createdAt: 'created_at', updatedAt: 'updated_at', type: 'type', status: 'status' },
  defaultSort: { field: 'createdAt', dir: 'desc' },
  searchable: ['type', 'target_id'],
  filters: {
    type: 'type',
    status: 'status',
    targetType: 'target_type',
    targetId: 'target_id',
    userId: 'created_by',
    parentId: 'parent_id',
  },
};

/** `root`: only tasks without a parent (the console nests child tasks under theirs). */
export function listTasks(db: Conn, params: ListParams & { root?: boolean }) {
  const base = db.selectFrom('tasks').selectAll();
  return runList(params.root ? base.where('parent_id', 'is', null) : base, taskListSpec, params);
}

/** Cancels a queued task at once; flags a running one for its worker. */
export async function requestCancel(db: Transaction<DB>, id: string): Promise<TaskRow | undefined> {
  const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) return undefined;
  if (row.status === 'queued') {
    await db
      .updateTable('tasks')
      .set({ status: 'cancelled', finished_at: new Date(), updated_at: new Date(), cancel_requested: true })
      .where('id', '=', id)
      .execute();
    await addEvent(db, id, 'warn', 'cancelled before it started');
  } else if (row.status === 'running') {
    await db
      .updateTable('tasks')
      .set({ cancel_requested: true, updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await addEvent(db, id, 'warn', 'cancellation requested');
  }
  return db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Queues a failed or cancelled task again with a fresh set of attempts. */
export async function requeueForRetry(db: Transaction<DB>, id: string): Promise<TaskRow | undefined> {
  const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) return undefined;
  await db
    .updateTable('tasks')
    .set({
      status: 'queued',
      attempts: 0,
      error: null,
      cancel_requested: false,
      run_after: new Date(),
      finished_at: null,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
  await addEvent(db, id, 'info', 'retry requested');
  return { ...row, status: 'queued' };
}
