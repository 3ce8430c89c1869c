import { Type } from '@sinclair/typebox';
import { request } from '../method.ts';
import { DomainState, DomainStateResult, EpochMs, Empty, ObjectName, Uuid } from './common.ts';

/** One snapshot of a domain. */
export const SnapshotInfo = Type.Object({
  name: ObjectName,
  description: Type.Optional(Type.String()),
  createdAt: EpochMs,
  state: DomainState,
  current: Type.Boolean(),
  parent: Type.Optional(ObjectName),
  memory: Type.Boolean({ description: 'includes guest memory (a running snapshot)' }),
});

const SnapshotRef = Type.Object({ uuid: Uuid, name: ObjectName });

/** Domain snapshots (appliance → agent). */
export const snapshotMethods = {
  'snapshot.create': request({
    from: 'appliance',
    params: Type.Object({
      uuid: Uuid,
      name: ObjectName,
      description: Type.Optional(Type.String()),
      memory: Type.Optional(Type.Boolean()),
      quiesce: Type.Optional(Type.Boolean()),
    }),
    result: SnapshotInfo,
    summary: 'Takes a snapshot (with memory when the domain runs and `memory` is set).',
  }),
  'snapshot.list': request({
    from: 'appliance',
    params: Type.Object({ uuid: Uuid }),
    result: Type.Object({ snapshots: Type.Array(SnapshotInfo) }),
    summary: 'Snapshots of one domain.',
  }),
  'snapshot.revert': request({
    from: 'appliance',
    params: SnapshotRef,
    result: DomainStateResult,
    summary: 'Reverts the domain to a snapshot.',
  }),
  'snapshot.delete': request({
    from: 'appliance',
    params: Type.Object({ uuid: Uuid, name: ObjectName, children: Type.Optional(Type.Boolean()) }),
    result: Empty,
    summary: 'Deletes a snapshot (and its children when `children`).',
  }),
};
