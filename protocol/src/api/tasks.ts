import { type Static, Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

export const TaskStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);

/** A durable task: long work the API answered with 202. */
export const Task = Type.Object({
  id: Type.String(),
  type: Type.String(),
  status: TaskStatus,
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  parentId: Nullable(Type.String()),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
  result: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
});
export type Task = Static<typeof Task>;

/** One line of a task's log. */
export const TaskEvent = Type.Object({
  id: Type.Integer(),
  level: Type.String(),
  message: Type.String(),
  progress: Type.Union([Type.Integer(), Type.Null()]),
  data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  at: Type.String(),
});

/** A task with its event log. */
export const TaskDetail = Type.Composite([Task, Type.Object({ events: Type.Array(TaskEvent) })]);
export type TaskDetail = Static<typeof TaskDetail>;
export type TaskStatus = Static<typeof TaskStatus>;
export type TaskEvent = Static<typeof TaskEvent>;
