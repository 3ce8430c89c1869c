import type { Snapshot, SnapshotsPost } from '@paddock/protocol/api/snapshots';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Kysely, Selectable } from 'kysely';
import type { AgentCaller } from '../../agents/hub.ts';
import type { DB, SnapshotTable } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { PermanentTaskError, type TaskWorker } from '../../tasks/worker.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import type { TasksService } from '../tasks/service.ts';
import { ignoreNotFound } from '../ignore-not-found.ts';
import * as repo from './repository.ts';
import type { VmsService } from './service.ts';
import * as snapshots from './snapshot-repository.ts';
import { statusOfDomainState } from './state.ts';

/** The API view of a snapshot row. */
export const toSnapshot = (r: Selectable<SnapshotTable>): Snapshot => ({
  id: r.id,
  vmId: r.vm_id,
  name: r.name,
  description: r.description,
  status: r.status,
  createdAt: new Date(r.created_at).toISOString(),
});

/** Snapshots of a VM: rows here, libvirt snapshots on the node, changes as tasks. */
export class SnapshotsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly tasks: TasksService,
  ) {}

  async list(vmId: string): Promise<Snapshot[]> {
    if (!(await repo.findVm(this.db, vmId))) throw new AppError('VM_NOT_FOUND', `VM ${vmId} does not exist`);
    return (await snapshots.snapshotsOfVm(this.db, vmId)).map(toSnapshot);
  }

  async create(
    actor: Actor,
    vmId: string,
    input: SnapshotsPost,
  ): Promise<{ snapshot: Snapshot; task: Task }> {
    return auditedChange(this.db, actor, async (trx) => {
      const vm = await repo.findVm(trx, vmId);
      if (!vm) throw new AppError('VM_NOT_FOUND', `VM ${vmId} does not exist`);
      if (['creating', 'deleting', 'migrating'].includes(vm.status))
        throw new AppError('CONFLICT', `VM ${vm.name} is ${vm.status}`);
      if (await snapshots.snapshotNameTaken(trx, vmId, input.name))
        throw new AppError('ALREADY_EXISTS', `VM ${vm.name} already has a snapshot "${input.name}"`, {
          field: 'name',
        });
      const id = crypto.randomUUID();
      await snapshots.insertSnapshot(trx, {
        id,
        vm_id: vmId,
        name: input.name,
        description: input.description ?? null,
        status: 'creating',
        meta: '{}',
      });
      const task = await this.tasks.enqueue(trx, {
        type: 'vm.snapshot.create',
        payload: { snapshotId: id },
        targetType: 'vm',
        targetId: vmId,
        createdBy: actor.userId,
      });
      const row = (await snapshots.findSnapshot(trx, id))!;
      return {
        result: { snapshot: toSnapshot(row), task },
        audit: {
          action: 'vm.snapshot',
          targetType: 'vm',
          targetId: vmId,
          detail: { name: input.name, taskId: task.id },
        },
      };
    });
  }

  async revert(actor: Actor, vmId: string, snapshotId: string): Promise<{ task: Task }> {
    return this.#change(actor, vmId, snapshotId, 'vm.snapshot.revert');
  }

  async delete(actor: Actor, vmId: string, snapshotId: string): Promise<{ task: Task }> {
    return this.#change(actor, vmId, snapshotId, 'vm.snapshot.delete');
  }

  async #change(
    actor: Actor,
    vmId: string,
    snapshotId: string,
    type: 'vm.snapshot.revert' | 'vm.snapshot.delete',
  ): Promise<{ task: Task }> {
    return auditedChange(this.db, actor, async (trx) => {
      const row = await snapshots.findSnapshotOfVm(trx, vmId, snapshotId);
      if (!row) throw new AppError('NOT_FOUND', `VM ${vmId} has no snapshot ${snapshotId}`);
      if (row.status !== 'ready') throw new AppError('CONFLICT', `snapshot ${row.name} is ${row.status}`);
      if (type === 'vm.snapshot.delete') await snapshots.setSnapshotStatus(trx, snapshotId, 'deleting');
      const task = await this.tasks.enqueue(trx, {
        type,
        payload: { snapshotId },
        targetType: 'vm',
        targetId: vmId,
        createdBy: actor.userId,
      });
      return {
        result: { task },
        audit: {
          action: type,
          targetType: 'vm',
          targetId: vmId,
          detail: { snapshot: row.name, taskId: task.id },
        },
      };
    });
  }
}

/** Snapshot task handlers; each checks libvirt first so a re-run is safe. */
export function registerSnapshotTasks(
  worker: TaskWorker,
  db: Kysely<DB>,
  agents: AgentCaller,
  vms: VmsService,
): void {
  const load = async (snapshotId: string) => {
    const snap = await snapshots.findSnapshot(db, snapshotId);
    if (!snap) throw new PermanentTaskError('the snapshot row is gone');
    const vm = await repo.findVm(db, snap.vm_id);
    if (!vm?.node_id) throw new PermanentTaskError('the VM of the snapshot is gone');
    return { snap, vm, nodeId: vm.node_id };
  };
  const existing = async (nodeId: string, uuid: string, name: string) =>
    (await agents.call(nodeId, 'snapshot.list', { uuid })).snapshots.some((s) => s.name === name);

  worker.register('vm.snapshot.create', async (ctx) => {
    const { snap, vm, nodeId } = await load(String(ctx.payload.snapshotId));
    ctx.revert.add('mark snapshot as failed', () => snapshots.setSnapshotStatus(db, snap.id, 'error'));
    if (!(await existing(nodeId, vm.uuid, snap.name))) {
      await agents.call(nodeId, 'snapshot.create', {
        uuid: vm.uuid,
        name: snap.name,
        ...(snap.description && { description: snap.description }),
      });
    }
    await snapshots.setSnapshotStatus(db, snap.id, 'ready');
    return {};
  });

  worker.register('vm.snapshot.revert', async (ctx) => {
    const { snap, vm, nodeId } = await load(String(ctx.payload.snapshotId));
    const { state } = await agents.call(nodeId, 'snapshot.revert', { uuid: vm.uuid, name: snap.name });
    await repo.updateVm(db, vm.id, { status: statusOfDomainState(state) });
    await vms.announce(vm.id);
    return { state };
  });

  worker.register('vm.snapshot.delete', async (ctx) => {
    const { snap, vm, nodeId } = await load(String(ctx.payload.snapshotId));
    await ignoreNotFound(agents.call(nodeId, 'snapshot.delete', { uuid: vm.uuid, name: snap.name }));
    await snapshots.deleteSnapshot(db, snap.id);
    return {};
  });
}
