import { type Static, Type } from '@sinclair/typebox';
import { Strict, Uuid } from './common.ts';
import { Task } from './tasks.ts';

/** A VM snapshot (libvirt internal snapshot of the VM's qcow2 disks). */
export const Snapshot = Type.Object({
  id: Type.String(),
  vmId: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  status: Type.String({ description: 'creating, ready, error, deleting' }),
  createdAt: Type.String(),
});
export type Snapshot = Static<typeof Snapshot>;

/** `POST /api/vms/{id}/snapshots`. */
export const SnapshotsPost = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  Strict,
);
export type SnapshotsPost = Static<typeof SnapshotsPost>;

/** `{id, sid}` path parameters. */
export const SnapshotParams = Type.Object({ id: Uuid, sid: Uuid }, Strict);

export const SnapshotAccepted = Type.Object({ snapshot: Snapshot, task: Task });

/** `POST /api/vms/{id}/clone`. */
export const ClonePost = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 63, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    mode: Type.Union([Type.Literal('full'), Type.Literal('linked')]),
  },
  Strict,
);
export type ClonePost = Static<typeof ClonePost>;
export type SnapshotAccepted = Static<typeof SnapshotAccepted>;
