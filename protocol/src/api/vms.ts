import { type Static, Type } from '@sinclair/typebox';
import { Strict, Uuid } from './common.ts';
import { Task } from './tasks.ts';

export const VmStatus = Type.Union(
  [
    'creating',
    'stopped',
    'starting',
    'running',
    'paused',
    'stopping',
    'migrating',
    'error',
    'deleting',
    'unknown',
  ].map((s) => Type.Literal(s)),
);

const VmName = Type.String({ minLength: 1, maxLength: 63, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });

/** A virtual machine as the API shows it. */
export const Vm = Type.Object({
  id: Type.String(),
  uuid: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  nodeId: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  managed: Type.Boolean({ description: 'false for a domain found on a node that Paddock did not create' }),
  vcpu: Type.Integer(),
  memoryMb: Type.Integer(),
  diskIds: Type.Array(Type.String()),
  nics: Type.Array(Type.Object({ networkId: Type.String(), mac: Type.String() })),
  cdromVolumeId: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Vm = Static<typeof Vm>;

const DiskSpec = Type.Union([
  Type.Object({ sizeGb: Type.Number({ exclusiveMinimum: 0, maximum: 16384 }), poolId: Uuid }, Strict),
  Type.Object({ volumeId: Uuid }, Strict),
]);

/** `POST /api/vms`. */
export const VmsPost = Type.Object(
  {
    name: VmName,
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    vcpu: Type.Integer({ minimum: 1, maximum: 256 }),
    memoryMb: Type.Integer({ minimum: 16, maximum: 4 * 1024 * 1024 }),
    disks: Type.Array(DiskSpec, { maxItems: 16 }),
    cdrom: Type.Optional(Type.Object({ volumeId: Uuid }, Strict)),
    nics: Type.Array(Type.Object({ networkId: Uuid }, Strict), { maxItems: 8 }),
    nodeId: Type.Optional(Uuid),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32, uniqueItems: true }),
    ),
  },
  Strict,
);
export type VmsPost = Static<typeof VmsPost>;

/** `PATCH /api/vms/{id}`. */
export const VmPatch = Type.Object(
  {
    name: Type.Optional(VmName),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32, uniqueItems: true }),
    ),
    vcpu: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
    memoryMb: Type.Optional(Type.Integer({ minimum: 16, maximum: 4 * 1024 * 1024 })),
  },
  { ...Strict, minProperties: 1 },
);
export type VmPatch = Static<typeof VmPatch>;

/** `POST /api/vms/{id}/shutdown`. */
export const ShutdownBody = Type.Object(
  {
    timeoutSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    force: Type.Optional(
      Type.Boolean({ description: 'power off when the guest has not stopped by the timeout' }),
    ),
  },
  Strict,
);

/** The answer of `POST /api/vms` (and clone). */
export const VmAccepted = Type.Object({ vm: Vm, task: Task });

/** `POST /api/vms/placement-preview`: the same question as create, nothing created. */
export const PlacementAnswer = Type.Object({
  nodeId: Type.Union([Type.String(), Type.Null()]),
  candidates: Type.Array(
    Type.Object({
      nodeId: Type.String(),
      hostname: Type.String(),
      fits: Type.Boolean(),
      reason: Type.String(),
    }),
  ),
});
export type ShutdownBody = Static<typeof ShutdownBody>;
export type VmAccepted = Static<typeof VmAccepted>;
export type PlacementAnswer = Static<typeof PlacementAnswer>;
export type VmStatus = Static<typeof VmStatus>;

/** Actions that change a VM's power state: `POST /api/vms/{id}/<action>`, alone or in bulk. */
export const VM_ACTIONS = ['start', 'shutdown', 'stop', 'reboot', 'suspend', 'resume'] as const;
export type VmAction = (typeof VM_ACTIONS)[number];
