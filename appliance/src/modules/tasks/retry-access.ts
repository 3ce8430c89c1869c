import type { Permission } from '@paddock/protocol/api/permissions';
import { isTaskType, type TaskType } from '../../tasks/catalog.ts';

// What starting each kind of task takes through the API (the route that enqueues it), so that a
// retry, which runs the action again, takes the same: `tasks:update` alone is not enough.
const OPERATE: Permission[] = ['vms:operate'];
// Keyed by the catalog: a new task type does not compile until it names its permission.
const ACTION_PERMISSIONS: Record<TaskType, Permission[]> = {
  'vm.create': ['vms:create'],
  'vm.clone': ['vms:create'],
  'vm.redefine': ['vms:update'],
  'vm.delete': ['vms:delete'],
  'vm.start': OPERATE,
  'vm.shutdown': OPERATE,
  'vm.stop': OPERATE,
  'vm.reboot': OPERATE,
  'vm.suspend': OPERATE,
  'vm.resume': OPERATE,
  'vm.bulk': OPERATE,
  'vm.snapshot.create': OPERATE,
  'vm.snapshot.revert': OPERATE,
  'vm.snapshot.delete': OPERATE,
  'pool.create': ['storage:create'],
  'pool.delete': ['storage:delete'],
  'volume.create': ['storage:create'],
  'volume.upload': ['storage:create'],
  'volume.delete': ['storage:delete'],
};

/** The permissions a retry of a task of this type needs; a type nobody declared needs `*`. */
export function permissionsToRetry(type: string): string[] {
  return isTaskType(type) ? ACTION_PERMISSIONS[type] : ['*'];
}
