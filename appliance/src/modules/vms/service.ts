import type { ClonePost } from '@paddock/protocol/api/snapshots';
import type { PlacementAnswer, Vm, VmAction, VmPatch, VmsPost } from '@paddock/protocol/api/vms';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Static } from '@sinclair/typebox';
import type { Kysely, Transaction } from 'kysely';
import type { AgentCaller } from '../../agents/hub.ts';
import type { DB } from '../../db/database.ts';
import type { ListParams, ListResult } from '../../db/list-query.ts';
import type { EventBus } from '../../events/event-bus.ts';
import { AppError, invalidField } from '../../errors.ts';
import { randomMac } from '../../libvirt-xml/domain-xml.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import { networkExists } from '../networks/repository.ts';
import * as storage from '../storage/repository.ts';
import type { TasksService } from '../tasks/service.ts';
import { bulkAction } from './bulk.ts';
import { cloneVm } from './clone.ts';
import { type PlacementSettings, placeVm } from './placement.ts';
import { toVm, type VmRow } from './model.ts';
import * as repo from './repository.ts';

// Which statuses an action may start from; anything else is a 409 naming the status.
const ALLOWED_FROM: Record<VmAction, string[]> = {
  start: ['stopped', 'error'],
  shutdown: ['running', 'paused', 'stopping'],
  stop: ['running', 'paused', 'stopping', 'starting', 'error'],
  reboot: ['running'],
  suspend: ['running'],
  resume: ['paused'],
};

/** Virtual machines: intent in the database, power state from libvirt, host changes as tasks. */
export class VmsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly tasks: TasksService,
    private readonly agents: AgentCaller,
    private readonly bus: EventBus,
    private readonly placement: PlacementSettings,
  ) {}

  async list(params: ListParams): Promise<ListResult<Vm>> {
    const page = await repo.listVms(this.db, params);
    return { ...page, items: page.items.map(toVm) };
  }

  async get(id: string): Promise<Vm> {
    const row = await repo.findVm(this.db, id);
    if (!row) throw new AppError('VM_NOT_FOUND', `VM ${id} does not exist`);
    return toVm(row);
  }

  /** Where a VM would go, and why not elsewhere; nothing is created. */
  async preview(input: VmsPost): Promise<Static<typeof PlacementAnswer>> {
    const requiredNode = await this.requiredNode(this.db, input);
    const { nodeId, candidates } = await placeVm(
      this.db,
      { vcpu: input.vcpu, memoryMb: input.memoryMb, onlyNodeId: input.nodeId ?? requiredNode },
      this.placement,
      (id) => this.agents.isConnected(id),
    );
    return { nodeId, candidates: candidates.map(({ freeMemoryMb: _f, ...c }) => c) };
  }

  async create(actor: Actor, input: VmsPost): Promise<{ vm: Vm; task: Task }> {
    return auditedChange(this.db, actor, async (trx) => {
      if (await repo.findVmByName(trx, input.name)) {
        throw new AppError('ALREADY_EXISTS', `a VM named "${input.name}" already exists`, { field: 'name' });
      }
      const requiredNode = await this.requiredNode(trx, input);
      if (input.nodeId && requiredNode && input.nodeId !== requiredNode) {
        throw invalidField('nodeId', 'the disks live on another node');
      }
      const placed = await placeVm(
        trx,
        { vcpu: input.vcpu, memoryMb: input.memoryMb, onlyNodeId: input.nodeId ?? requiredNode },
        this.placement,
        (id) => this.agents.isConnected(id),
      );
      if (!placed.nodeId) {
        const reasons = placed.candidates.map((c) => c.reason);
        throw new AppError('CONFLICT', `no node can take this VM: ${reasons.join('; ') || 'no nodes'}`, {
          reasons,
        });
      }
      const id = crypto.randomUUID();
      // Volume ids are fixed now so a re-run of the create task finds the same volumes.
      type PlannedDisk = { existing: string } | { id: string; index: number; sizeGb: number; poolId: string };
      const disks: PlannedDisk[] = input.disks.map((disk, i) =>
        'volumeId' in disk
          ? { existing: disk.volumeId }
          : { id: crypto.randomUUID(), index: i, sizeGb: disk.sizeGb, poolId: disk.poolId },
      );
      const diskIds = disks.map((d) => ('existing' in d ? d.existing : d.id));
      await repo.insertVm(trx, {
        id,
        uuid: crypto.randomUUID(),
        name: input.name,
        description: input.description ?? null,
        node_id: placed.nodeId,
        status: 'creating',
        desired_status: 'stopped',
        vcpu: input.vcpu,
        memory_mb: input.memoryMb,
        disk_ids: JSON.stringify(diskIds),
        network_interfaces: JSON.stringify(
          input.nics.map((n) => ({ networkId: n.networkId, mac: randomMac() })),
        ),
        tags: JSON.stringify(input.tags ?? []),
        meta: JSON.stringify(input.cdrom ? { cdromVolumeId: input.cdrom.volumeId } : {}),
        created_by: actor.userId,
        updated_at: new Date(),
      });
      for (const [i, disk] of disks.entries()) {
        if ('existing' in disk) {
          // Conditional on the volume being free: of two requests racing for one volume, the
          // second waits on the row lock, then finds it taken.
          if (!(await storage.claimVolume(trx, disk.existing, id))) {
            throw new AppError('CONFLICT', `volume ${disk.existing} is already attached to a VM`, {
              field: `disks.${i}.volumeId`,
            });
          }
          continue;
        }
        await storage.insertVolume(trx, {
          id: disk.id,
          name: `vm-${id.slice(0, 8)}-disk${disk.index}`,
          format: 'qcow2',
          size_gb: disk.sizeGb,
          pool_id: disk.poolId,
          vm_id: id,
          status: 'pending',
          meta: '{}',
          updated_at: new Date(),
        });
      }
      const task = await this.tasks.enqueue(trx, {
        type: 'vm.create',
        payload: { vmId: id },
        targetType: 'vm',
        targetId: id,
        createdBy: actor.userId,
      });
      const vm = toVm((await repo.findVm(trx, id))!);
      return {
        result: { vm, task },
        audit: {
          targetType: 'vm',
          targetId: id,
          detail: { name: vm.name, nodeId: vm.nodeId, taskId: task.id },
        },
      };
    });
  }

  async update(actor: Actor, id: string, patch: VmPatch): Promise<{ vm: Vm; task?: Task }> {
    return auditedChange(this.db, actor, async (trx) => {
      const row = await repo.findVm(trx, id);
      if (!row) throw new AppError('VM_NOT_FOUND', `VM ${id} does not exist`);
      const resize = patch.vcpu !== undefined || patch.memoryMb !== undefined;
      if (resize && row.status !== 'stopped') {
        throw new AppError(
          'CONFLICT',
          `vCPUs and memory change only while the VM is stopped; it is ${row.status}`,
        );
      }
      if (
        patch.name &&
        patch.name.toLowerCase() !== row.name.toLowerCase() &&
        (await repo.findVmByName(trx, patch.name))
      ) {
        throw new AppError('ALREADY_EXISTS', `a VM named "${patch.name}" already exists`, { field: 'name' });
      }
      await repo.updateVm(trx, id, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.tags !== undefined && { tags: JSON.stringify(patch.tags) }),
        ...(patch.vcpu !== undefined && { vcpu: patch.vcpu }),
        ...(patch.memoryMb !== undefined && { memory_mb: patch.memoryMb }),
      });
      // The domain carries name, vCPUs and memory: redefine it on the node.
      const needsRedefine = resize || (patch.name !== undefined && patch.name !== row.name);
      const task = needsRedefine
        ? await this.tasks.enqueue(trx, {
            type: 'vm.redefine',
            payload: { vmId: id },
            targetType: 'vm',
            targetId: id,
            createdBy: actor.userId,
          })
        : undefined;
      const vm = toVm((await repo.findVm(trx, id))!);
      return {
        result: { vm, ...(task && { task }) },
        audit: { targetType: 'vm', targetId: id, detail: { ...patch, name: vm.name } },
      };
    });
  }

  async action(
    actor: Actor,
    id: string,
    action: VmAction,
    options: Record<string, unknown> = {},
    parentId?: string,
  ): Promise<{ task: Task }> {
    return auditedChange(this.db, actor, async (trx) => {
      const row = await this.lockVm(trx, id);
      if (!row.managed) throw new AppError('CONFLICT', `VM ${row.name} is unmanaged; adopt it first`);
      if (!ALLOWED_FROM[action].includes(row.status)) {
        throw new AppError('CONFLICT', `cannot ${action} VM ${row.name} while it is ${row.status}`, {
          status: row.status,
        });
      }
      const task = await this.tasks.enqueue(trx, {
        type: `vm.${action}`,
        payload: { vmId: id, ...options },
        targetType: 'vm',
        targetId: id,
        createdBy: actor.userId,
        maxAttempts: action === 'shutdown' ? 1 : 3,
        ...(parentId && { parentId }),
      });
      return {
        result: { task },
        audit: {
          action: `vm.${action}`,
          targetType: 'vm',
          targetId: id,
          detail: { name: row.name, taskId: task.id, ...options },
        },
      };
    });
  }

  async delete(actor: Actor, id: string, deleteDisks: boolean): Promise<{ task: Task }> {
    return auditedChange(this.db, actor, async (trx) => {
      const row = await this.lockVm(trx, id);
      if (row.status === 'deleting')
        throw new AppError('CONFLICT', `VM ${row.name} is already being deleted`);
      for (const volumeId of deleteDisks ? (row.disk_ids as string[]) : []) {
        const dependents = await storage.dependentsOf(trx, volumeId);
        if (dependents.length > 0) {
          throw new AppError(
            'CONFLICT',
            `a disk of VM ${row.name} backs linked clones: ${storage.describeDependents(dependents)}`,
          );
        }
      }
      await repo.updateVm(trx, id, { status: 'deleting', desired_status: 'deleted' });
      const task = await this.tasks.enqueue(trx, {
        type: 'vm.delete',
        payload: { vmId: id, deleteDisks },
        targetType: 'vm',
        targetId: id,
        createdBy: actor.userId,
      });
      return {
        result: { task },
        audit: { targetType: 'vm', targetId: id, detail: { name: row.name, deleteDisks, taskId: task.id } },
      };
    });
  }

  /** Clones a stopped VM (full copy or linked overlays); see clone.ts. */
  clone(actor: Actor, id: string, input: ClonePost): Promise<{ vm: Vm; task: Task }> {
    return cloneVm(this.db, this.tasks, actor, id, input);
  }

  /** One action on many VMs as a parent task with child tasks; see bulk.ts. */
  bulk(
    actor: Actor,
    action: VmAction,
    ids: string[],
    options: Record<string, unknown>,
  ): Promise<{ task: Task }> {
    return bulkAction(this.db, this.tasks, actor, action, ids, options);
  }

  /** Takes an unmanaged domain (found on a node, not created here) under management. */
  async adopt(actor: Actor, id: string): Promise<Vm> {
    return auditedChange(this.db, actor, async (trx) => {
      const row = await this.lockVm(trx, id);
      if (row.managed) throw new AppError('CONFLICT', `VM ${row.name} is already managed`);
      await repo.updateVm(trx, id, { managed: true });
      const vm = toVm((await repo.findVm(trx, id))!);
      return { result: vm, audit: { targetType: 'vm', targetId: id, detail: { name: vm.name } } };
    });
  }

  /** Tells live consoles about a VM's new state. */
  async announce(id: string): Promise<void> {
    this.announceRow(id, await repo.findVm(this.db, id));
  }

  /** Publishes a VM row just read or written (undefined: the VM is gone). */
  announceRow(id: string, row: VmRow | undefined): void {
    if (row) this.bus.publish({ kind: 'vm', id, permission: 'vms:read', data: toVm(row) });
    else this.bus.publish({ kind: 'vm', id, permission: 'vms:read', data: { id, deleted: true } });
  }

  private async lockVm(trx: Transaction<DB>, id: string): Promise<VmRow> {
    const row = await repo.findVmForUpdate(trx, id);
    if (!row) throw new AppError('VM_NOT_FOUND', `VM ${id} does not exist`);
    return row;
  }

  // The node the VM must run on because its disks live there (dir pools are node-local).
  private async requiredNode(db: Kysely<DB> | Transaction<DB>, input: VmsPost): Promise<string | undefined> {
    const nodes = new Set<string>();
    const seen = new Set<string>();
    for (const [i, disk] of input.disks.entries()) {
      if ('volumeId' in disk) {
        if (seen.has(disk.volumeId)) throw invalidField(`disks.${i}.volumeId`, 'volume is listed twice');
        seen.add(disk.volumeId);
        const volume = await storage.findVolume(db, disk.volumeId);
        if (!volume) throw invalidField(`disks.${i}.volumeId`, 'no such volume');
        if (volume.status !== 'ready')
          throw invalidField(`disks.${i}.volumeId`, `volume is ${volume.status}`);
        if (volume.vm_id) throw invalidField(`disks.${i}.volumeId`, 'volume is attached to another VM');
        // A base is read-only: a VM writing to it would change every linked clone on top of it.
        if ((await storage.dependentsOf(db, volume.id)).length > 0)
          throw invalidField(`disks.${i}.volumeId`, 'volume is the read-only base of linked clones');
        const pool = await storage.findPool(db, volume.pool_id);
        if (pool?.node_id) nodes.add(pool.node_id);
      } else {
        const pool = await storage.findPool(db, disk.poolId);
        if (!pool) throw invalidField(`disks.${i}.poolId`, 'no such pool');
        if (pool.status !== 'active') throw invalidField(`disks.${i}.poolId`, `pool is ${pool.status}`);
        if (pool.node_id) nodes.add(pool.node_id);
      }
    }
    if (input.cdrom) {
      const volume = await storage.findVolume(db, input.cdrom.volumeId);
      if (!volume || volume.status !== 'ready') throw invalidField('cdrom.volumeId', 'no such ready volume');
      const pool = await storage.findPool(db, volume.pool_id);
      if (pool?.node_id) nodes.add(pool.node_id);
    }
    for (const [i, nic] of input.nics.entries()) {
      if (!(await networkExists(db, nic.networkId)))
        throw invalidField(`nics.${i}.networkId`, 'no such network');
    }
    if (nodes.size > 1) throw invalidField('disks', 'all disks and the CD-ROM must live on the same node');
    return [...nodes][0];
  }
}
