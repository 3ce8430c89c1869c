import type { TaskDelta } from '@paddock/protocol/api/events';
import type { Task, TaskStatus } from '@paddock/protocol/api/tasks';

/** The list's filters, as they appear in the URL (`/tasks?status=failed&parent=<id>`). */
export interface TaskFilters {
  status?: TaskStatus;
  type?: string;
  target?: string;
  parent?: string;
}

export const TASK_STATUSES: readonly TaskStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** Task types that queue child tasks; their rows can be expanded before a child is seen. */
export const PARENT_TYPES = new Set(['vm.bulk']);

/** A new or requeued task arrives whole; later changes are deltas. */
export function isWholeTask(data: TaskDelta): data is Task & { message?: string } {
  return typeof data.type === 'string' && typeof data.createdAt === 'string';
}

/** `task` with the changed fields of `delta` (the progress line and cancel flag are not fields). */
export function applyDelta<T extends Task>(task: T, delta: TaskDelta): T {
  const { message: _message, cancelRequested: _cancel, ...fields } = delta;
  return { ...task, ...fields };
}

export function isActive(status: TaskStatus): boolean {
  return status === 'queued' || status === 'running';
}

/**
 * Unfiltered, the list shows top-level tasks and nests children under their parent; a filter
 * (e.g. the dashboard's `?status=failed`) lists every matching task, children included.
 */
export function onlyRoots(filters: TaskFilters): boolean {
  return !filters.status && !filters.type && !filters.target && !filters.parent;
}

/** Whether a task belongs in a list showing `filters`. */
export function matchesFilters(task: Task, filters: TaskFilters): boolean {
  if (filters.status && task.status !== filters.status) return false;
  if (filters.type && task.type !== filters.type) return false;
  if (filters.target && task.targetId !== filters.target) return false;
  if (filters.parent && task.parentId !== filters.parent) return false;
  return !onlyRoots(filters) || task.parentId === null;
}

/** `{...}` as indented JSON for the detail drawer, or null when there is nothing to show. */
export function prettyJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && Object.keys(value).length === 0) return null;
  return JSON.stringify(value, null, 2);
}
