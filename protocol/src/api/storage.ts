import { type Static, Type } from '@sinclair/typebox';
import { Strict, Uuid } from './common.ts';
import { Task } from './tasks.ts';

const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

/** A storage pool (a `dir` pool lives on one node). */
export const Pool = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  nodeId: Nullable(Type.String()),
  path: Nullable(Type.String()),
  status: Type.String({ description: 'pending, active, error, deleting' }),
  sizeGb: Type.Number(),
  usedGb: Type.Number(),
  createdAt: Type.String(),
});
export type Pool = Static<typeof Pool>;

/** `POST /api/storage/pools`. */
export const PoolsPost = Type.Object(
  {
    name: Name,
    type: Type.Literal('dir'),
    nodeId: Uuid,
    path: Type.String({ minLength: 2, maxLength: 1024, pattern: '^/[^\\0]*$' }),
    adopt: Type.Optional(
      Type.Boolean({
        description: 'take over a libvirt pool of this name that already exists at this path (else 409)',
      }),
    ),
  },
  Strict,
);
export type PoolsPost = Static<typeof PoolsPost>;

/** A volume: a disk image or an ISO in a pool. */
export const Volume = Type.Object({
  id: Type.String(),
  name: Type.String(),
  poolId: Type.String(),
  format: Type.String(),
  sizeGb: Type.Number(),
  status: Type.String({ description: 'pending, ready, uploading, error, deleting' }),
  path: Nullable(Type.String()),
  vmId: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type Volume = Static<typeof Volume>;

/** `POST /api/storage/pools/{id}/volumes`. */
export const VolumesPost = Type.Object(
  {
    name: Name,
    sizeGb: Type.Number({ exclusiveMinimum: 0, maximum: 65536 }),
    format: Type.Union([Type.Literal('qcow2'), Type.Literal('raw')]),
  },
  Strict,
);
export type VolumesPost = Static<typeof VolumesPost>;

/** `?name=&format=` of an upload. */
export const UploadQuery = Type.Object(
  { name: Name, format: Type.Union([Type.Literal('iso'), Type.Literal('qcow2'), Type.Literal('raw')]) },
  Strict,
);

/** A 202 answer that created an object. */
export const PoolAccepted = Type.Object({ pool: Pool, task: Task });
export const VolumeAccepted = Type.Object({ volume: Volume, task: Task });
export const TaskAccepted = Type.Object({ task: Task });
export type UploadQuery = Static<typeof UploadQuery>;
export type PoolAccepted = Static<typeof PoolAccepted>;
export type VolumeAccepted = Static<typeof VolumeAccepted>;
export type TaskAccepted = Static<typeof TaskAccepted>;
