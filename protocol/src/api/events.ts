import type { Node } from './nodes.ts';
import type { Task } from './tasks.ts';
import type { Vm } from './vms.ts';

/**
 * What `GET /api/events` (Server-Sent Events) carries: `event: <kind>` and `data: <LiveEvent>`.
 * Task events are deltas (what changed, plus `message` for a progress line); VM and node events
 * carry the whole object as the API shows it, or `{ id, deleted: true }` once it is gone.
 * When the user's access ends (disabled, signed out) the stream's last message is
 * `event: closed` with `data: {"reason": "…"}`; a client that stops reading is dropped.
 */
export type LiveEvent =
  | { kind: 'task'; id: string; time: string; data: TaskDelta }
  | { kind: 'vm'; id: string; time: string; data: Vm | Deleted }
  | { kind: 'node'; id: string; time: string; data: Node | Deleted };

export type LiveEventKind = LiveEvent['kind'];

/** The fields of a task that changed; `message` is the progress line that came with it. */
export type TaskDelta = Partial<Task> & { message?: string; cancelRequested?: boolean };

export interface Deleted {
  id: string;
  deleted: true;
}

export function isDeleted(data: object): data is Deleted {
  return (data as Partial<Deleted>).deleted === true;
}
