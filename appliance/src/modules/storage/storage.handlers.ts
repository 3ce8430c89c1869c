import type { PaddockResult } from '@paddock/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { AgentCaller } from '../../agents/hub.ts';
import type { DB, VolumeTable } from '../../db/database.ts';
import { dirPoolXml } from '../../libvirt-xml/pool-xml.ts';
import type { Reverter } from '../../tasks/revert.ts';
import type { TaskPayload } from '../../tasks/catalog.ts';
import { PermanentTaskError, type TaskContext, type TaskWorker } from '../../tasks/worker.ts';
import { ignoreNotFound } from '../ignore-not-found.ts';
import * as repo from './repository.ts';
import { volumeFileName } from './service.ts';

const GiB = 1024 ** 3;

/**
 * Deletes a volume's file on its pool's node (if it is still there) and then its row, and then its
 * linked-clone base when this was the last overlay on it.
 */
export async function removeVolume(
  db: Kysely<DB>,
  agents: AgentCaller,
  volume: Selectable<VolumeTable>,
): Promise<void> {
  const pool = await repo.findPool(db, volume.pool_id);
  if (pool?.node_id) {
    await ignoreNotFound(
      agents.call(pool.node_id, 'volume.delete', {
        pool: pool.name,
        name: volumeFileName(volume.name, volume.format),
      }),
    );
  }
  await repo.deleteVolume(db, volume.id);
  // A base frozen by a linked clone goes with the last overlay on it: nothing else can use it.
  const backingId = (volume.meta as { backingVolumeId?: string } | null)?.backingVolumeId;
  const base = backingId ? await repo.findVolume(db, backingId) : undefined;
  if (base && !base.vm_id && (base.meta as { role?: string } | null)?.role === 'base') {
    if ((await repo.dependentsOf(db, base.id)).length === 0) await removeVolume(db, agents, base);
  }
}

/**
 * The volume's file on its node: the one this volume's task already started creating (a re-run
 * after a crash), else a new one from `create`. A file of that name that Paddock did not create is
 * never taken for the volume (it could be anything: a host file, another tenant's image). With
 * `undo`, a file made here is deleted by the task's undo steps.
 */
export async function ensureVolumeFile(
  db: Kysely<DB>,
  agents: AgentCaller,
  target: { nodeId: string; pool: string; file: string; volume: Selectable<VolumeTable> },
  create: () => Promise<PaddockResult<'volume.create'>>,
  undo?: { revert: Reverter; label: string },
): Promise<{ info: PaddockResult<'volume.create'>; created: boolean }> {
  const { nodeId, pool, file, volume } = target;
  const meta = (volume.meta ?? {}) as { creating?: boolean };
  const listed = await agents.call(nodeId, 'volume.list', { name: pool });
  const found = listed.volumes.find((v) => v.name === file);
  if (found) {
    if (!meta.creating) {
      throw new PermanentTaskError(
        `pool ${pool} already holds a file ${file} that Paddock did not create; remove or rename it`,
        'VOLUME_FILE_EXISTS',
      );
    }
    return { info: found, created: false };
  }
  await repo.updateVolume(db, volume.id, { meta: JSON.stringify({ ...meta, creating: true }) });
  const info = await create();
  // Only a file this run made is undone: one found from an earlier run is the task's to keep.
  undo?.revert.add(undo.label, () =>
    agents.call(nodeId, 'volume.delete', { pool, name: file }).then(() => {}),
  );
  return { info, created: true };
}

/** `pool.create`: defines and starts the libvirt pool, or adopts one asked for. */
async function createPool(db: Kysely<DB>, agents: AgentCaller, ctx: TaskContext<TaskPayload<'pool.create'>>) {
  const pool = await repo.findPool(db, String(ctx.payload.poolId));
  if (!pool?.node_id || !pool.path) throw new PermanentTaskError('the pool row is gone or incomplete');
  ctx.revert.add('mark pool as failed', () => repo.updatePool(db, pool.id, { status: 'error' }));
  const meta = (pool.meta ?? {}) as { adopt?: boolean; defining?: boolean };
  const existing = await ignoreNotFound(agents.call(pool.node_id, 'pool.info', { name: pool.name }));
  // A pool found on the node is taken only when asked to adopt it or when this task defined it
  // on an earlier run, and only at the requested path.
  if (existing && !meta.adopt && !meta.defining) {
    throw new PermanentTaskError(
      `the node already has a libvirt pool named "${pool.name}"; create it with adopt: true to take it over`,
      'POOL_EXISTS',
    );
  }
  if (existing && existing.path !== undefined && existing.path !== pool.path) {
    throw new PermanentTaskError(
      `the libvirt pool "${pool.name}" is at ${existing.path}, not ${pool.path}`,
      'POOL_EXISTS',
    );
  }
  if (!existing) {
    await repo.updatePool(db, pool.id, { meta: JSON.stringify({ ...meta, defining: true }) });
    await agents.call(pool.node_id, 'pool.define', {
      xml: dirPoolXml(pool.name, pool.path),
      autostart: true,
    });
    ctx.revert.add('undefine pool', () =>
      agents.call(pool.node_id!, 'pool.delete', { name: pool.name }).then(() => {}),
    );
    await ctx.progress(40, 'pool defined');
  }
  const info =
    existing?.state === 'running'
      ? existing
      : await agents.call(pool.node_id, 'pool.start', { name: pool.name, build: true });
  await repo.updatePool(db, pool.id, {
    status: 'active',
    size_gb: info.capacityBytes / GiB,
    used_gb: info.allocationBytes / GiB,
  });
  return { capacityBytes: info.capacityBytes };
}

/** `pool.delete`: the libvirt pool (if still there), then the row. */
async function deletePool(db: Kysely<DB>, agents: AgentCaller, ctx: TaskContext<TaskPayload<'pool.delete'>>) {
  const pool = await repo.findPool(db, String(ctx.payload.poolId));
  if (!pool) return { alreadyGone: true };
  if (pool.node_id) {
    await ignoreNotFound(agents.call(pool.node_id, 'pool.delete', { name: pool.name }));
  }
  await repo.deletePool(db, pool.id);
  return {};
}

/** `volume.create`: the file on the node, unless a re-run finds it made. */
async function createVolume(
  db: Kysely<DB>,
  agents: AgentCaller,
  ctx: TaskContext<TaskPayload<'volume.create'>>,
) {
  const volume = await repo.findVolume(db, String(ctx.payload.volumeId));
  if (!volume) throw new PermanentTaskError('the volume row is gone');
  const pool = await repo.findPool(db, volume.pool_id);
  if (!pool?.node_id) throw new PermanentTaskError('the pool of the volume is gone');
  ctx.revert.add('mark volume as failed', () => repo.updateVolume(db, volume.id, { status: 'error' }));
  const name = volumeFileName(volume.name, volume.format);
  const nodeId = pool.node_id;
  const { info } = await ensureVolumeFile(db, agents, { nodeId, pool: pool.name, file: name, volume }, () =>
    agents.call(nodeId, 'volume.create', {
      pool: pool.name,
      name,
      capacityBytes: Math.round(volume.size_gb * GiB),
      format: volume.format === 'qcow2' ? 'qcow2' : 'raw',
    }),
  );
  await repo.updateVolume(db, volume.id, { status: 'ready', path: info.path });
  return { path: info.path };
}

/** `volume.delete`: the file and the row. */
async function deleteVolume(
  db: Kysely<DB>,
  agents: AgentCaller,
  ctx: TaskContext<TaskPayload<'volume.delete'>>,
) {
  const volume = await repo.findVolume(db, String(ctx.payload.volumeId));
  if (!volume) return { alreadyGone: true };
  await removeVolume(db, agents, volume);
  return {};
}

/** Task handlers of the storage area; each checks the node's state first so a re-run is safe. */
export function registerStorageTasks(worker: TaskWorker, db: Kysely<DB>, agents: AgentCaller): void {
  worker.register('pool.create', (ctx) => createPool(db, agents, ctx));
  worker.register('pool.delete', (ctx) => deletePool(db, agents, ctx));
  worker.register('volume.create', (ctx) => createVolume(db, agents, ctx));
  worker.register('volume.delete', (ctx) => deleteVolume(db, agents, ctx));
}
