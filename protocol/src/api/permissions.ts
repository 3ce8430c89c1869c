/**
 * Every permission, `resource:action`. Routes declare one of these (or `public` / `authenticated`);
 * roles grant them; `*` grants all.
 */
export const PERMISSIONS = {
  'users:read': 'List and view users',
  'users:create': 'Create users',
  'users:update': 'Change users, their passwords and role bindings',
  'users:delete': 'Delete users',
  'roles:read': 'List and view roles and permissions',
  'roles:create': 'Create roles',
  'roles:update': 'Change roles and their permissions',
  'roles:delete': 'Delete roles',
  'audit:read': 'Read the audit log',
  'nodes:read': 'List and view nodes',
  'nodes:update': 'Change nodes (labels, maintenance)',
  'nodes:delete': 'Remove nodes and revoke their credentials',
  'nodes:enroll': 'Issue agent enrollment tokens',
  'vms:read': 'List and view virtual machines',
  'vms:create': 'Create virtual machines',
  'vms:update': 'Change virtual machines',
  'vms:delete': 'Delete virtual machines',
  'vms:operate': 'Start, stop, reboot, suspend, snapshot and clone virtual machines',
  'vms:console': 'Open virtual machine consoles',
  'storage:read': 'List and view storage pools and volumes',
  'storage:create': 'Create storage pools and volumes, upload images',
  'storage:update': 'Change storage pools and volumes',
  'storage:delete': 'Delete storage pools and volumes',
  'networks:read': 'List and view networks',
  'networks:create': 'Create networks',
  'networks:update': 'Change networks',
  'networks:delete': 'Delete networks',
  'tasks:read': 'List and view tasks',
  'tasks:update': 'Cancel and retry tasks',
} as const;

/** A permission name. */
export type Permission = keyof typeof PERMISSIONS;

/**
 * What a route requires: a permission, any signed-in user, nobody, or an agent credential or
 * enrollment token (checked by the agent routes themselves, never a user's JWT).
 */
export type RouteAccess = Permission | 'authenticated' | 'public' | 'agent';

const readAll = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => p.endsWith(':read'));

/** The built-in roles; their grants are restored from here at every start. */
export const BUILTIN_ROLES: Record<string, { description: string; permissions: Array<Permission | '*'> }> = {
  admin: { description: 'Everything, including users, roles and nodes', permissions: ['*'] },
  operator: {
    description: 'Runs virtual machines, storage and networks; cannot manage users, roles or nodes',
    permissions: [
      ...readAll.filter((p) => p !== 'users:read' && p !== 'roles:read'),
      'vms:create',
      'vms:update',
      'vms:delete',
      'vms:operate',
      'vms:console',
      'storage:create',
      'storage:update',
      'storage:delete',
      'networks:create',
      'networks:update',
      'networks:delete',
      'tasks:update',
      'nodes:update',
    ],
  },
  viewer: {
    description: 'Reads everything except users, roles and the audit log',
    permissions: readAll.filter((p) => !['users:read', 'roles:read', 'audit:read'].includes(p)),
  },
};
