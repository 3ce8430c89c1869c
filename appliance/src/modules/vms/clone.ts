import type { ClonePost } from '@paddock/protocol/api/snapshots';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Vm } from '@paddock/protocol/api/vms';
import type { Kysely } from 'kysely';
import type { AgentCaller } from '../../agents/hub.ts';
import type { DB } from '../../db/database.ts';
import { AppError } from '../../http/app-error.ts';
import { randomMac } from '../../libvirt-xml/domain-xml.ts';
import { PermanentTaskError, type TaskHandler, type TaskWorker } from '../../tasks/worker.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import * as storage from '../storage/repository.ts';
import { volumeFileName } from '../storage/service.ts';
import type { TasksService } from '../tasks/service.ts';
import * as repo from './repository.ts';
import { toVm } from './service.ts';

/**
 * Clones a stopped VM on its node: `full` copies every disk, `linked` makes qcow2 overlays backed
 * by the source's disks (fast, but the source disks must then stay). The clone gets its own UUID
 * and MAC addresses. One `vm.clone` task copies the disks and then runs the `vm.create` handler,
 * which defines the domain.
 */
export async function cloneVm(
  db: Kysely<DB>,
  tasks: TasksService,
  actor: Actor,
  sourceId: string,
  input: ClonePost,
): Promise<{ vm: Vm; task: Task }> {
  return auditedChange(db, actor, async (trx) => {
    const source = await repo.findVm(trx, sourceId);
    if (!source) throw new AppError('VM_NOT_FOUND', `VM ${sourceId} does not exist`);
    if (source.status !== 'stopped')
      throw new AppError('CONFLICT', `stop VM ${source.name} before cloning it (it is ${source.status})`);
    if (await repo.findVmByName(trx, input.name))
      throw new AppError('ALREADY_EXISTS', `a VM named "${input.name}" already exists`, { field: 'name' });
    const id = crypto.randomUUID();
    const sourceDisks = [];
    for (const sourceVolumeId of source.disk_ids as string[]) {
      const volume = await storage.findVolume(trx, sourceVolumeId);
      if (!volume) throw new AppError('CONFLICT', `disk ${sourceVolumeId} of ${source.name} is gone`);
      sourceDisks.push(volume);
    }
    const plan = sourceDisks.map((from) => ({ volumeId: crypto.randomUUID(), sourceVolumeId: from.id }));
    await repo.insertVm(trx, {
      id,
      uuid: crypto.randomUUID(),
      name: input.name,
      description: source.description,
      node_id: source.node_id,
      status: 'creating',
      desired_status: 'stopped',
      vcpu: source.vcpu,
      memory_mb: source.memory_mb,
      disk_ids: JSON.stringify(plan.map((step) => step.volumeId)),
      network_interfaces: JSON.stringify(
        (source.network_interfaces as Array<{ networkId: string }>).map((n) => ({
          networkId: n.networkId,
          mac: randomMac(),
        })),
      ),
      tags: JSON.stringify(source.tags),
      meta: JSON.stringify({ ...(source.meta as object), clonedFrom: source.id, cloneMode: input.mode }),
      created_by: actor.userId,
      updated_at: new Date(),
    });
    for (const [i, from] of sourceDisks.entries()) {
      await storage.insertVolume(trx, {
        id: plan[i]!.volumeId,
        name: `vm-${id.slice(0, 8)}-disk${i}`,
        format: 'qcow2',
        size_gb: from.size_gb,
        pool_id: from.pool_id,
        vm_id: id,
        status: 'pending',
        meta: JSON.stringify({ cloneOf: from.id, mode: input.mode }),
        updated_at: new Date(),
      });
    }
    const task = await tasks.enqueue(trx, {
      type: 'vm.clone',
      payload: { vmId: id, mode: input.mode, plan },
      targetType: 'vm',
      targetId: id,
      createdBy: actor.userId,
    });
    const vm = toVm((await repo.findVm(trx, id))!);
    return {
      result: { vm, task },
      audit: {
        action: 'vm.clone',
        targetType: 'vm',
        targetId: id,
        detail: { source: source.name, name: input.name, mode: input.mode, taskId: task.id },
      },
    };
  });
}

/** Copies (or overlays) the disks, then hands over to `vm.create` logic by defining the domain. */
export function registerCloneTask(
  worker: TaskWorker,
  db: Kysely<DB>,
  agents: AgentCaller,
  createHandler: TaskHandler,
): void {
  worker.register('vm.clone', async (ctx) => {
    const plan = ctx.payload.plan as Array<{ volumeId: string; sourceVolumeId: string }>;
    const linked = ctx.payload.mode === 'linked';
    for (const [i, step] of plan.entries()) {
      const volume = await storage.findVolume(db, step.volumeId);
      const source = await storage.findVolume(db, step.sourceVolumeId);
      const pool = volume && (await storage.findPool(db, volume.pool_id));
      const sourcePool = source && (await storage.findPool(db, source.pool_id));
      if (!volume || !source || !pool?.node_id || !sourcePool)
        throw new PermanentTaskError(`disk ${i} or its source is gone`);
      if (volume.status === 'ready') continue;
      const file = volumeFileName(volume.name, volume.format);
      const listed = await agents.call(pool.node_id, 'volume.list', { name: pool.name });
      let info = listed.volumes.find((v) => v.name === file);
      if (!info) {
        info = linked
          ? await agents.call(pool.node_id, 'volume.create', {
              pool: pool.name,
              name: file,
              capacityBytes: Math.round(source.size_gb * 1024 ** 3),
              format: 'qcow2',
              backingPath: source.path ?? '',
            })
          : await agents.call(pool.node_id, 'volume.clone', {
              pool: pool.name,
              name: file,
              source: { pool: sourcePool.name, name: volumeFileName(source.name, source.format) },
              format: 'qcow2',
            });
        ctx.revert.add(`delete cloned disk ${i}`, () =>
          agents.call(pool.node_id!, 'volume.delete', { pool: pool.name, name: file }).then(() => {}),
        );
      }
      await storage.updateVolume(db, step.volumeId, { status: 'ready', path: info.path });
      await ctx.progress(
        10 + Math.round((60 * (i + 1)) / plan.length),
        `disk ${i} ${linked ? 'overlaid' : 'copied'}`,
      );
    }
    return createHandler(ctx);
  });
}
