import type { Permission } from '@paddock/protocol/api/permissions';
import type { Vm } from '@paddock/protocol/api/vms';

/** What the list offers on a VM or a selection. `delete` is a DELETE, the others power actions. */
export type ListAction = 'start' | 'shutdown' | 'stop' | 'reboot' | 'delete';
export const LIST_ACTIONS: ListAction[] = ['start', 'shutdown', 'stop', 'reboot', 'delete'];

/**
 * The statuses an action may start from: the appliance's ALLOWED_FROM (appliance/src/modules/vms/
 * service.ts); a button is offered only where the API would accept it. Delete is refused only while
 * a task holds the VM.
 */
const ALLOWED_FROM: Record<ListAction, readonly string[] | 'any'> = {
  start: ['stopped', 'error'],
  shutdown: ['running', 'paused', 'stopping'],
  stop: ['running', 'paused', 'stopping', 'starting', 'error'],
  reboot: ['running'],
  delete: 'any',
};

const BUSY = new Set(['creating', 'deleting', 'migrating']);

/** Unmanaged domains take no action but Adopt: the API refuses power actions on them, and a
 * delete would undefine a domain someone else made. */
export function canRun(action: ListAction, vm: Pick<Vm, 'status' | 'managed'>): boolean {
  if (!vm.managed) return false;
  const from = ALLOWED_FROM[action];
  if (from === 'any') return !BUSY.has(vm.status);
  return from.includes(vm.status);
}

export const PERMISSION_OF: Record<ListAction, Permission> = {
  start: 'vms:operate',
  shutdown: 'vms:operate',
  stop: 'vms:operate',
  reboot: 'vms:operate',
  delete: 'vms:delete',
};

/** Actions that lose work or the VM: asked for confirmation first. */
export const DESTRUCTIVE = new Set<ListAction>(['stop', 'reboot', 'delete']);
