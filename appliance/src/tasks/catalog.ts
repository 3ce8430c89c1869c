import { VM_ACTIONS } from '@paddock/protocol/api/vms';
import { type Static, type TObject, Type } from '@sinclair/typebox';

/**
 * Every task type the appliance queues, declared once with its payload: `TasksService.enqueue`
 * and `TaskWorker.register` are typed by it, and the composition root checks at start-up that each
 * type has exactly one handler. A new task type starts here.
 */
const VmRef = Type.Object({ vmId: Type.String() });
const SnapshotRef = Type.Object({ snapshotId: Type.String() });
const PoolRef = Type.Object({ poolId: Type.String() });
const VolumeRef = Type.Object({ volumeId: Type.String() });

export const taskCatalog = {
  'vm.create': VmRef,
  'vm.redefine': VmRef,
  'vm.start': VmRef,
  'vm.stop': VmRef,
  'vm.reboot': VmRef,
  'vm.suspend': VmRef,
  'vm.resume': VmRef,
  'vm.shutdown': Type.Object({
    vmId: Type.String(),
    timeoutSec: Type.Optional(Type.Number()),
    force: Type.Optional(Type.Boolean()),
  }),
  'vm.delete': Type.Object({ vmId: Type.String(), deleteDisks: Type.Optional(Type.Boolean()) }),
  'vm.bulk': Type.Object({
    action: Type.Union(VM_ACTIONS.map((action) => Type.Literal(action))),
    vmIds: Type.Array(Type.String()),
    options: Type.Record(Type.String(), Type.Unknown()),
    userId: Type.Union([Type.String(), Type.Null()]),
    username: Type.Union([Type.String(), Type.Null()]),
  }),
  'vm.clone': Type.Object({
    vmId: Type.String(),
    sourceVmId: Type.String(),
    mode: Type.Union([Type.Literal('full'), Type.Literal('linked')]),
    plan: Type.Array(
      Type.Object({
        volumeId: Type.String(),
        sourceVolumeId: Type.String(),
        topVolumeId: Type.Optional(Type.String()),
      }),
    ),
  }),
  'vm.snapshot.create': SnapshotRef,
  'vm.snapshot.revert': SnapshotRef,
  'vm.snapshot.delete': SnapshotRef,
  'pool.create': PoolRef,
  'pool.delete': PoolRef,
  'volume.create': VolumeRef,
  'volume.delete': VolumeRef,
  /** Queued while an upload streams; its handler only runs if the uploading appliance died. */
  'volume.upload': Type.Object({
    volumeId: Type.String(),
    nodeId: Type.String(),
    pool: Type.String(),
    file: Type.String(),
    lengthBytes: Type.Number(),
  }),
} satisfies Record<string, TObject>;

export type TaskType = keyof typeof taskCatalog;
export type TaskPayload<T extends TaskType> = Static<(typeof taskCatalog)[T]>;

/**
 * Types only tests register (ad-hoc handlers exercising the engine): untyped payload, and not in
 * the catalog, so the start-up check never sees them.
 */
export type TestTaskType = `test.${string}`;

export const TASK_TYPES = Object.keys(taskCatalog) as TaskType[];

export function isTaskType(type: string): type is TaskType {
  return Object.hasOwn(taskCatalog, type);
}

/** Throws naming the catalog types without a handler and the handled types not in the catalog. */
export function assertEveryTaskTypeHandled(registered: Iterable<string>): void {
  const handled = new Set(registered);
  const missing = TASK_TYPES.filter((type) => !handled.has(type));
  const extra = [...handled].filter((type) => !isTaskType(type));
  if (missing.length === 0 && extra.length === 0) return;
  const parts = [
    ...(missing.length > 0 ? [`no handler for ${missing.join(', ')}`] : []),
    ...(extra.length > 0 ? [`handlers for types not in the catalog: ${extra.join(', ')}`] : []),
  ];
  throw new Error(`task catalog and handlers differ: ${parts.join('; ')}`);
}
