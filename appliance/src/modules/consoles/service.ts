import type { ConsoleTicket } from '@paddock/protocol/api/consoles';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import { findVm } from '../vms/repository.ts';
import type { ConsoleTarget, ConsoleTickets } from './tickets.ts';

/** Issues a console ticket for a running or paused VM; the issue is audited. */
export async function issueConsoleTicket(
  db: Kysely<DB>,
  tickets: ConsoleTickets,
  actor: Actor,
  vmId: string,
  kind: ConsoleTarget['kind'],
  sessionId?: string,
): Promise<ConsoleTicket> {
  const issued = await auditedChange(db, actor, async (trx) => {
    const vm = await findVm(trx, vmId);
    if (!vm) throw new AppError('VM_NOT_FOUND', `VM ${vmId} does not exist`);
    if (!vm.node_id) throw new AppError('CONFLICT', `VM ${vm.name} is not placed on a node`);
    if (!['running', 'paused'].includes(vm.status))
      throw new AppError('CONFLICT', `VM ${vm.name} is ${vm.status}; start it first`);
    const result = tickets.issue({
      vmId: vm.id,
      uuid: vm.uuid,
      nodeId: vm.node_id,
      kind,
      userId: actor.userId,
      username: actor.username,
      ...(sessionId && { sessionId }),
    });
    return {
      result,
      audit: { action: 'vm.console', targetType: 'vm', targetId: vm.id, detail: { type: kind } },
    };
  });
  return {
    ticket: issued.ticket,
    type: kind,
    url: `/ws/console?ticket=${encodeURIComponent(issued.ticket)}`,
    expiresAt: issued.expiresAt.toISOString(),
  };
}
