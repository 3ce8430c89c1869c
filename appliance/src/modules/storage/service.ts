import { DEFAULT_POOL_ROOTS, poolPathProblem } from '@paddock/protocol/api/pool-paths';
import type { Pool, PoolsPost, Volume, VolumesPost } from '@paddock/protocol/api/storage';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/database.ts';
import type { ListParams, ListResult } from '../../db/list-query.ts';
import type { AgentCaller } from '../../agents/hub.ts';
import { AppError, invalidField } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import { findNode } from '../../agents/node-records.ts';
import type { TasksService } from '../tasks/service.ts';
import * as repo from './repository.ts';

type PoolRow = NonNullable<Awaited<ReturnType<typeof repo.findPool>>>;
type VolumeRow = NonNullable<Awaited<ReturnType<typeof repo.findVolume>>>;

export const toPool = (r: PoolRow): Pool => ({
  id: r.id,
  name: r.name,
  type: r.type,
  nodeId: r.node_id,
  path: r.path,
  status: r.status,
  sizeGb: r.size_gb,
  usedGb: r.used_gb,
  createdAt: new Date(r.created_at).toISOString(),
});

export const toVolume = (r: VolumeRow): Volume => ({
  id: r.id,
  name: r.name,
  poolId: r.pool_id,
  format: r.format,
  sizeGb: r.size_gb,
  status: r.status,
  path: r.path,
  vmId: r.vm_id,
  createdAt: new Date(r.created_at).toISOString(),
});

/** The libvirt name of a volume: unique in its pool, stable across retries. */
export const volumeFileName = (name: string, format: string) => `${name}.${format}`;

/** Refuses a new volume in a pool that is not active, or under a name the pool already holds. */
export async function assertVolumeFits(db: Kysely<DB> | Transaction<DB>, pool: PoolRow, name: string) {
  if (pool.status !== 'active')
    throw new AppError('CONFLICT', `storage pool ${pool.name} is ${pool.status}, not active`);
  if (await repo.findVolumeByName(db, pool.id, name)) {
    throw new AppError('ALREADY_EXISTS', `volume "${name}" already exists in ${pool.name}`, {
      field: 'name',
    });
  }
}

/** Storage pools and volumes: metadata here, the data plane on the node's agent (via tasks). */
export class StorageService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly tasks: TasksService,
    private readonly agents?: AgentCaller,
  ) {}

  /**
   * Early refusals of a new pool: a path the node's agent would refuse (it enforces the same rules
   * and more), and a libvirt pool of that name already on the node unless `adopt` asks for it at
   * the same path (adopting silently once sent a VM's disks to a stale directory).
   */
  private async checkNewPool(input: PoolsPost): Promise<void> {
    const node = await findNode(this.db, input.nodeId);
    if (!node) throw new AppError('NODE_NOT_FOUND', `node ${input.nodeId} does not exist`);
    const reported = (node.meta as { facts?: { poolRoots?: unknown } } | null)?.facts?.poolRoots;
    const roots = Array.isArray(reported) ? (reported as string[]) : [...DEFAULT_POOL_ROOTS];
    const problem = poolPathProblem(input.path, roots);
    if (problem) throw invalidField('path', problem);
    if (!this.agents?.isConnected(node.id)) return;
    // The node knows what the spelling cannot tell: symbolic links, and whether QEMU can get there.
    // An agent that cannot answer still refuses such a path when the task defines the pool.
    const checked = await this.agents.call(node.id, 'pool.check', { path: input.path }).catch(() => ({}));
    if ('problem' in checked && checked.problem) throw invalidField('path', checked.problem);
    const existing = (await this.agents.call(node.id, 'pool.list', {})).pools.find(
      (p) => p.name === input.name,
    );
    if (!existing) return;
    if (!input.adopt) {
      throw new AppError(
        'CONFLICT',
        `node ${node.hostname} already has a libvirt pool named "${input.name}"` +
          `${existing.path ? ` at ${existing.path}` : ''}; pass adopt: true to take it over`,
        { field: 'name' },
      );
    }
    if (existing.path !== input.path) {
      throw new AppError(
        'CONFLICT',
        `the libvirt pool "${input.name}" on ${node.hostname} is at ${existing.path ?? 'no directory'}, not ${input.path}`,
        { field: 'path' },
      );
    }
  }

  async listPools(params: ListParams): Promise<ListResult<Pool>> {
    const page = await repo.listPools(this.db, params);
    return { ...page, items: page.items.map(toPool) };
  }

  async getPool(id: string): Promise<Pool> {
    const row = await repo.findPool(this.db, id);
    if (!row) throw new AppError('NOT_FOUND', `storage pool ${id} does not exist`);
    return toPool(row);
  }

  async createPool(actor: Actor, input: PoolsPost): Promise<{ pool: Pool; task: Task }> {
    await this.checkNewPool(input);
    return auditedChange(this.db, actor, async (trx) => {
      if (!(await findNode(trx, input.nodeId)))
        throw new AppError('NODE_NOT_FOUND', `node ${input.nodeId} does not exist`);
      if (await repo.findPoolByName(trx, input.name)) {
        throw new AppError('ALREADY_EXISTS', `storage pool "${input.name}" already exists`, {
          field: 'name',
        });
      }
      const id = crypto.randomUUID();
      await repo.insertPool(trx, {
        id,
        name: input.name,
        type: input.type,
        node_id: input.nodeId,
        path: input.path,
        status: 'pending',
        meta: JSON.stringify(input.adopt ? { adopt: true } : {}),
        updated_at: new Date(),
      });
      const task = await this.tasks.enqueue(trx, {
        type: 'pool.create',
        payload: { poolId: id },
        targetType: 'pool',
        targetId: id,
        createdBy: actor.userId,
      });
      const pool = toPool((await repo.findPool(trx, id))!);
      return {
        result: { pool, task },
        audit: { targetType: 'pool', targetId: id, detail: { ...input, taskId: task.id } },
      };
    });
  }

  async deletePool(actor: Actor, id: string): Promise<{ task: Task }> {
    return auditedChange(this.db, actor, async (trx) => {
      const pool = await repo.findPool(trx, id);
      if (!pool) throw new AppError('NOT_FOUND', `storage pool ${id} does not exist`);
      const volumes = await repo.countVolumes(trx, id);
      if (volumes > 0)
        throw new AppError('CONFLICT', `storage pool ${pool.name} still holds ${volumes} volume(s)`);
      await repo.updatePool(trx, id, { status: 'deleting' });
      const task = await this.tasks.enqueue(trx, {
        type: 'pool.delete',
        payload: { poolId: id },
        targetType: 'pool',
        targetId: id,
        createdBy: actor.userId,
      });
      return {
        result: { task },
        audit: { targetType: 'pool', targetId: id, detail: { name: pool.name, taskId: task.id } },
      };
    });
  }

  async listVolumes(params: ListParams): Promise<ListResult<Volume>> {
    const page = await repo.listVolumes(this.db, params);
    return { ...page, items: page.items.map(toVolume) };
  }

  async getVolume(id: string): Promise<Volume> {
    const row = await repo.findVolume(this.db, id);
    if (!row) throw new AppError('NOT_FOUND', `volume ${id} does not exist`);
    return toVolume(row);
  }

  async createVolume(
    actor: Actor,
    poolId: string,
    input: VolumesPost,
  ): Promise<{ volume: Volume; task: Task }> {
    return auditedChange(this.db, actor, async (trx) => {
      const pool = await repo.findPool(trx, poolId);
      if (!pool) throw new AppError('NOT_FOUND', `storage pool ${poolId} does not exist`);
      await assertVolumeFits(trx, pool, input.name);
      const id = crypto.randomUUID();
      await repo.insertVolume(trx, {
        id,
        name: input.name,
        format: input.format,
        size_gb: input.sizeGb,
        pool_id: poolId,
        status: 'pending',
        meta: '{}',
        updated_at: new Date(),
      });
      const task = await this.tasks.enqueue(trx, {
        type: 'volume.create',
        payload: { volumeId: id },
        targetType: 'volume',
        targetId: id,
        createdBy: actor.userId,
      });
      const volume = toVolume((await repo.findVolume(trx, id))!);
      return {
        result: { volume, task },
        audit: { targetType: 'volume', targetId: id, detail: { ...input, pool: pool.name, taskId: task.id } },
      };
    });
  }

  async deleteVolume(actor: Actor, id: string): Promise<{ task: Task }> {
    return auditedChange(this.db, actor, async (trx) => {
      const volume = await repo.findVolume(trx, id);
      if (!volume) throw new AppError('NOT_FOUND', `volume ${id} does not exist`);
      if (volume.vm_id)
        throw new AppError('CONFLICT', `volume ${volume.name} is attached to VM ${volume.vm_id}`);
      const dependents = await repo.dependentsOf(trx, id);
      if (dependents.length > 0) {
        throw new AppError(
          'CONFLICT',
          `volume ${volume.name} backs linked clones: ${repo.describeDependents(dependents)}`,
          { dependents: dependents.map((d) => ({ volumeId: d.id, vm: d.vmName })) },
        );
      }
      await repo.updateVolume(trx, id, { status: 'deleting' });
      const task = await this.tasks.enqueue(trx, {
        type: 'volume.delete',
        payload: { volumeId: id },
        targetType: 'volume',
        targetId: id,
        createdBy: actor.userId,
      });
      return {
        result: { task },
        audit: { targetType: 'volume', targetId: id, detail: { name: volume.name, taskId: task.id } },
      };
    });
  }
}
