import type { ClonePost } from '@paddock/protocol/api/snapshots';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Vm } from '@paddock/protocol/api/vms';
import type { Kysely } from 'kysely';
import type { AgentCaller } from '../../agents/hub.ts';
import type { DB } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { randomMac } from '../../libvirt-xml/domain-xml.ts';
import { type CatalogTaskHandler, PermanentTaskError, type TaskWorker } from '../../tasks/worker.ts';
import type { TaskPayload } from '../../tasks/catalog.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import * as storage from '../storage/repository.ts';
import { volumeFileName } from '../storage/service.ts';
import { ensureVolumeFile } from '../storage/storage.handlers.ts';
import { ignoreNotFound } from '../ignore-not-found.ts';
import { snapshotsOfVm } from './snapshot-repository.ts';
import type { TasksService } from '../tasks/service.ts';
import * as repo from './repository.ts';
import { toVm } from './model.ts';

/**
 * Clones a stopped VM on its node: `full` copies every disk; `linked` freezes each source disk as a
 * read-only base and gives both VMs a qcow2 overlay on it (the source's domain is redefined onto
 * its new overlay), so writing to the source never changes what the clone reads (docs/storage.md).
 * The clone gets its own UUID and MAC addresses. One `vm.clone` task makes the disks and then runs
 * the `vm.create` handler, which defines the domain.
 */
export async function cloneVm(
  db: Kysely<DB>,
  tasks: TasksService,
  actor: Actor,
  sourceId: string,
  input: ClonePost,
): Promise<{ vm: Vm; task: Task }> {
  return auditedChange(db, actor, async (trx) => {
    const source = await repo.findVmForUpdate(trx, sourceId);
    if (!source) throw new AppError('VM_NOT_FOUND', `VM ${sourceId} does not exist`);
    if (source.status !== 'stopped')
      throw new AppError('CONFLICT', `stop VM ${source.name} before cloning it (it is ${source.status})`);
    const linked = input.mode === 'linked';
    // The snapshots live inside the disk that becomes the frozen base; the source's new overlay
    // would not have them.
    if (linked && (await snapshotsOfVm(trx, sourceId)).length > 0)
      throw new AppError('CONFLICT', `VM ${source.name} has snapshots: delete them or make a full clone`);
    if (await repo.findVmByName(trx, input.name))
      throw new AppError('ALREADY_EXISTS', `a VM named "${input.name}" already exists`, { field: 'name' });
    const id = crypto.randomUUID();
    const sourceDisks = [];
    for (const sourceVolumeId of source.disk_ids as string[]) {
      const volume = await storage.findVolume(trx, sourceVolumeId);
      if (!volume) throw new AppError('CONFLICT', `disk ${sourceVolumeId} of ${source.name} is gone`);
      sourceDisks.push(volume);
    }
    const plan = sourceDisks.map((from) => ({
      volumeId: crypto.randomUUID(),
      sourceVolumeId: from.id,
      ...(linked && { topVolumeId: crypto.randomUUID() }),
    }));
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
        meta: JSON.stringify({
          cloneOf: from.id,
          mode: input.mode,
          ...(linked && { backingVolumeId: from.id }),
        }),
        updated_at: new Date(),
      });
      const top = plan[i]!.topVolumeId;
      if (top) {
        // The source's next disk; attached to the source only once its file exists (task).
        await storage.insertVolume(trx, {
          id: top,
          name: `${from.name}-${id.slice(0, 8)}`.slice(-64),
          format: 'qcow2',
          size_gb: from.size_gb,
          pool_id: from.pool_id,
          status: 'pending',
          meta: JSON.stringify({ backingVolumeId: from.id, topOf: source.id }),
          updated_at: new Date(),
        });
      }
    }
    const task = await tasks.enqueue(trx, {
      type: 'vm.clone',
      payload: { vmId: id, sourceVmId: source.id, mode: input.mode, plan },
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

type CloneStep = TaskPayload<'vm.clone'>['plan'][number];

/**
 * Copies (or overlays) the disks, then hands over to `vm.create` logic by defining the domain. For
 * a linked clone the source VM moves onto its new overlays and its domain is redefined
 * (`redefine`) before the clone's domain exists.
 */
export function registerCloneTask(
  worker: TaskWorker,
  db: Kysely<DB>,
  agents: AgentCaller,
  createHandler: CatalogTaskHandler<'vm.create'>,
  redefine: (vmId: string) => Promise<void>,
): void {
  worker.register('vm.clone', async (ctx) => {
    const { plan, sourceVmId } = ctx.payload;
    const linked = ctx.payload.mode === 'linked';
    const sourceVm = sourceVmId ? await repo.findVm(db, sourceVmId) : undefined;
    if (linked && sourceVm?.node_id) {
      // The base must not be written from here on: the source stays off until it uses its overlay.
      const state = await ignoreNotFound(
        agents.call(sourceVm.node_id, 'domain.info', { uuid: sourceVm.uuid }),
      );
      if (state && state.state !== 'shutoff')
        throw new PermanentTaskError(`VM ${sourceVm.name} was started; stop it and clone again`, 'CONFLICT');
    }
    const overlay = async (
      step: { volumeId: string; backing: NonNullable<Awaited<ReturnType<typeof storage.findVolume>>> },
      label: string,
    ) => {
      const volume = await storage.findVolume(db, step.volumeId);
      const pool = volume && (await storage.findPool(db, volume.pool_id));
      if (!volume || !pool?.node_id) throw new PermanentTaskError(`${label} is gone`);
      if (volume.status === 'ready' && volume.path) return volume.path;
      const nodeId = pool.node_id;
      const file = volumeFileName(volume.name, volume.format);
      const { info } = await ensureVolumeFile(
        db,
        agents,
        { nodeId, pool: pool.name, file, volume },
        () =>
          agents.call(nodeId, 'volume.create', {
            pool: pool.name,
            name: file,
            capacityBytes: Math.round(step.backing.size_gb * 1024 ** 3),
            format: 'qcow2',
            backingPath: step.backing.path ?? '',
          }),
        { revert: ctx.revert, label: `delete ${label}` },
      );
      return info.path;
    };
    for (const [i, step] of plan.entries()) {
      const volume = await storage.findVolume(db, step.volumeId);
      const source = await storage.findVolume(db, step.sourceVolumeId);
      const pool = volume && (await storage.findPool(db, volume.pool_id));
      const sourcePool = source && (await storage.findPool(db, source.pool_id));
      if (!volume || !source || !pool?.node_id || !sourcePool)
        throw new PermanentTaskError(`disk ${i} or its source is gone`);
      if (volume.status !== 'ready') {
        let path: string;
        if (linked) {
          path = await overlay({ volumeId: step.volumeId, backing: source }, `cloned disk ${i}`);
        } else {
          const nodeId = pool.node_id;
          const file = volumeFileName(volume.name, volume.format);
          const { info } = await ensureVolumeFile(
            db,
            agents,
            { nodeId, pool: pool.name, file, volume },
            () =>
              agents.call(nodeId, 'volume.clone', {
                pool: pool.name,
                name: file,
                source: { pool: sourcePool.name, name: volumeFileName(source.name, source.format) },
                format: 'qcow2',
              }),
            { revert: ctx.revert, label: `delete cloned disk ${i}` },
          );
          path = info.path;
        }
        await storage.updateVolume(db, step.volumeId, { status: 'ready', path });
      }
      if (step.topVolumeId) {
        const topPath = await overlay(
          { volumeId: step.topVolumeId, backing: source },
          `overlay of source disk ${i}`,
        );
        await storage.updateVolume(db, step.topVolumeId, { status: 'ready', path: topPath });
      }
      await ctx.progress(
        10 + Math.round((60 * (i + 1)) / plan.length),
        `disk ${i} ${linked ? 'overlaid' : 'copied'}`,
      );
    }
    if (linked && sourceVm) {
      await moveSourceOntoOverlays(db, sourceVm.id, plan);
      await redefine(sourceVm.id);
      await ctx.progress(75, `${sourceVm.name} now runs on its overlays`);
    }
    return createHandler(ctx);
  });
}

/**
 * Swaps each frozen source disk for its new overlay in the source VM, in one transaction: the base
 * keeps its row (no VM, role `base`) so it can be found, shown and protected from deletion.
 */
async function moveSourceOntoOverlays(db: Kysely<DB>, sourceVmId: string, plan: CloneStep[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const vm = await repo.findVmForUpdate(trx, sourceVmId);
    if (!vm) throw new PermanentTaskError('the source VM is gone');
    const disks = [...(vm.disk_ids as string[])];
    for (const step of plan) {
      if (!step.topVolumeId) continue;
      const at = disks.indexOf(step.sourceVolumeId);
      if (at < 0) continue;
      disks[at] = step.topVolumeId;
      const base = await storage.findVolume(trx, step.sourceVolumeId);
      await storage.updateVolume(trx, step.sourceVolumeId, {
        vm_id: null,
        meta: JSON.stringify({ ...((base?.meta ?? {}) as object), role: 'base' }),
      });
      await storage.updateVolume(trx, step.topVolumeId, { vm_id: vm.id });
    }
    await repo.updateVm(trx, vm.id, { disk_ids: JSON.stringify(disks) });
  });
}
