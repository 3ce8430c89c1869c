import type { Task } from '@paddock/protocol/api/tasks';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { childTasks } from '../../tasks/task-repository.ts';
import type { TaskWorker } from '../../tasks/worker.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import type { TasksService } from '../tasks/service.ts';
import { existingVmIds } from './repository.ts';
import type { VmAction } from '@paddock/protocol/api/vms';

/** What the bulk task needs of the VM service: queueing one VM's action as its child. */
export interface VmActionQueue {
  action(
    actor: Actor,
    id: string,
    action: VmAction,
    options: Record<string, unknown>,
    parentId?: string,
  ): Promise<{ task: Task }>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * One action on many VMs: a parent task whose handler queues one child task per VM (the same
 * `vm.<action>` tasks a single call makes) and follows them; its progress is the share finished.
 * Children are queued once (the parent re-reads them after a crash) and run in parallel on
 * whatever workers are free.
 */
export async function bulkAction(
  db: Kysely<DB>,
  tasks: TasksService,
  actor: Actor,
  action: VmAction,
  vmIds: string[],
  options: Record<string, unknown>,
): Promise<{ task: Task }> {
  return auditedChange(db, actor, async (trx) => {
    const found = await existingVmIds(trx, vmIds);
    const missing = vmIds.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw new AppError('VM_NOT_FOUND', `no such VM(s): ${missing.join(', ')}`, { missing });
    const task = await tasks.enqueue(trx, {
      type: 'vm.bulk',
      payload: { action, vmIds, options, userId: actor.userId, username: actor.username },
      targetType: 'vm',
      createdBy: actor.userId,
      maxAttempts: 5,
    });
    return {
      result: { task },
      audit: { action: `vm.bulk.${action}`, targetType: 'vm', detail: { vmIds, taskId: task.id } },
    };
  });
}

/** The parent handler of bulk actions. */
export function registerBulkTask(worker: TaskWorker, db: Kysely<DB>, vms: VmActionQueue): void {
  worker.register('vm.bulk', async (ctx) => {
    const { action, vmIds, options, userId, username } = ctx.payload;
    const existing = await childTasks(db, ctx.task.id);
    const queued = new Set(existing.map((e) => e.target_id));
    const refused: Array<{ vmId: string; reason: string }> = [];
    for (const vmId of vmIds) {
      if (queued.has(vmId)) continue;
      const actor = { userId, username, ip: null, requestId: null, action: 'vms:operate' };
      await vms.action(actor, vmId, action, options, ctx.task.id).catch((error: Error) => {
        refused.push({ vmId, reason: error.message });
      });
    }
    if (refused.length > 0) await ctx.log(`${refused.length} VM(s) refused the action`, { refused }, 'warn');
    for (;;) {
      const children = await childTasks(db, ctx.task.id);
      const finished = children.filter((c) => TERMINAL.has(c.status));
      const total = children.length + refused.length;
      await ctx.progress(total === 0 ? 100 : Math.round((100 * (finished.length + refused.length)) / total));
      if (finished.length === children.length) {
        const failed = finished
          .filter((c) => c.status !== 'succeeded')
          .map((c) => ({ vmId: c.target_id, error: c.error }));
        return { succeeded: finished.length - failed.length, failed, refused };
      }
      if (ctx.signal.aborted) throw ctx.signal.reason;
      await Bun.sleep(250);
    }
  });
}
