import { type Static, Type } from '@sinclair/typebox';
import { request, stream } from '../method.ts';
import { ByteChunk, Bytes, Empty, ObjectName, Uuid } from './common.ts';

/** Chunks in flight on a bulk volume stream (chunks are up to 1 MiB). */
const BULK_WINDOW = 4;

/** A storage pool's state and space. */
export const PoolInfo = Type.Object({
  name: ObjectName,
  uuid: Uuid,
  type: Type.String({ description: 'libvirt pool type: dir, fs, netfs, logical, rbd, iscsi-direct…' }),
  state: Type.Union([
    Type.Literal('inactive'),
    Type.Literal('building'),
    Type.Literal('running'),
    Type.Literal('degraded'),
    Type.Literal('inaccessible'),
  ]),
  capacityBytes: Bytes,
  allocationBytes: Bytes,
  availableBytes: Bytes,
  persistent: Type.Boolean(),
  autostart: Type.Boolean(),
  path: Type.Optional(Type.String({ description: "the pool's target path (directory pools)" })),
});

/** A volume in a pool. */
export const VolumeInfo = Type.Object({
  pool: ObjectName,
  name: ObjectName,
  key: Type.String(),
  path: Type.String(),
  format: Type.String({ description: 'qcow2, raw, …' }),
  capacityBytes: Bytes,
  allocationBytes: Bytes,
});
/** A volume in a pool. */
export type VolumeInfo = Static<typeof VolumeInfo>;

const PoolRef = Type.Object({ name: ObjectName });
const VolumeRef = Type.Object({ pool: ObjectName, name: ObjectName });
const VolumeFormat = Type.Union([Type.Literal('qcow2'), Type.Literal('raw')]);

// Bulk chunks: at most 1 MiB each (Bun's WebSocket closes the link on a frame over 16 MiB); with
// BULK_WINDOW chunks in flight, that bounds what each stream buffers.
/** Storage pools and volumes, including bulk upload/download streams (appliance → agent). */
export const storageMethods = {
  'pool.define': request({
    from: 'appliance',
    params: Type.Object({ xml: Type.String({ minLength: 1 }), autostart: Type.Optional(Type.Boolean()) }),
    result: PoolInfo,
    summary: 'Defines a persistent pool from libvirt XML.',
  }),
  'pool.check': request({
    from: 'appliance',
    params: Type.Object({ path: Type.String({ minLength: 1, maxLength: 1024 }) }),
    result: Type.Object({ problem: Type.Optional(Type.String()) }),
    summary:
      'Whether a directory pool may live at `path` on this host (roots, system dirs, links, QEMU access).',
  }),
  'pool.start': request({
    from: 'appliance',
    params: Type.Object({ name: ObjectName, build: Type.Optional(Type.Boolean()) }),
    result: PoolInfo,
    summary: 'Starts a pool (building it first when `build`).',
  }),
  'pool.refresh': request({
    from: 'appliance',
    params: PoolRef,
    result: PoolInfo,
    summary: 'Rescans a pool for volumes and space.',
  }),
  'pool.info': request({
    from: 'appliance',
    params: PoolRef,
    result: PoolInfo,
    summary: 'State and space of one pool.',
  }),
  'pool.list': request({
    from: 'appliance',
    params: Type.Object({}),
    result: Type.Object({ pools: Type.Array(PoolInfo) }),
    summary: 'Every pool on the host.',
  }),
  'pool.delete': request({
    from: 'appliance',
    params: Type.Object({ name: ObjectName, deleteData: Type.Optional(Type.Boolean()) }),
    result: Empty,
    summary: 'Stops and undefines a pool (and deletes its storage when `deleteData`).',
  }),
  'volume.list': request({
    from: 'appliance',
    params: PoolRef,
    result: Type.Object({ volumes: Type.Array(VolumeInfo) }),
    summary: 'Volumes of one pool.',
  }),
  'volume.create': request({
    from: 'appliance',
    params: Type.Object({
      pool: ObjectName,
      name: ObjectName,
      capacityBytes: Bytes,
      format: VolumeFormat,
      backingPath: Type.Optional(Type.String()),
    }),
    result: VolumeInfo,
    summary: 'Creates a volume (a qcow2 overlay when `backingPath` is set).',
  }),
  'volume.delete': request({
    from: 'appliance',
    params: VolumeRef,
    result: Empty,
    summary: 'Deletes a volume.',
  }),
  'volume.resize': request({
    from: 'appliance',
    params: Type.Object({ pool: ObjectName, name: ObjectName, capacityBytes: Bytes }),
    result: VolumeInfo,
    summary: 'Grows a volume to `capacityBytes` (shrinking is refused).',
  }),
  'volume.clone': request({
    from: 'appliance',
    params: Type.Object({
      pool: ObjectName,
      name: ObjectName,
      source: VolumeRef,
      format: Type.Optional(VolumeFormat),
    }),
    result: VolumeInfo,
    summary: 'Copies a volume into a new one, possibly in another pool.',
  }),
  'volume.upload': stream({
    from: 'appliance',
    params: Type.Object({
      pool: ObjectName,
      name: ObjectName,
      offsetBytes: Type.Optional(Bytes),
      lengthBytes: Bytes,
    }),
    result: Type.Object({ bytesWritten: Bytes }),
    toHandler: ByteChunk,
    // Four 1 MiB chunks keep the agent's disk writes busy; more only fills the appliance's send buffer.
    window: BULK_WINDOW,
    summary: 'Writes bytes into a volume: the appliance streams binary chunks to the agent.',
  }),
  'volume.download': stream({
    from: 'appliance',
    params: Type.Object({
      pool: ObjectName,
      name: ObjectName,
      offsetBytes: Type.Optional(Bytes),
      lengthBytes: Type.Optional(Bytes),
    }),
    result: Type.Object({ bytesRead: Bytes }),
    toCaller: ByteChunk,
    window: BULK_WINDOW,
    summary: 'Reads bytes from a volume: the agent streams binary chunks to the appliance.',
  }),
};
