import type { MessageKey } from '../../core/i18n/dictionaries/en';

/** One entry of the side menu; `id` gives tests a stable `#nav-<id>` handle. */
export interface NavItem {
  id: string;
  label: MessageKey;
  icon: string;
  path?: string;
  children?: NavItem[];
}

/** The console's areas, in the order of the design document (§3.1). */
export const NAVIGATION: readonly NavItem[] = [
  { id: 'dashboard', label: 'nav.dashboard', icon: 'dashboard', path: '/dashboard' },
  { id: 'nodes', label: 'nav.nodes', icon: 'cluster', path: '/nodes' },
  { id: 'vms', label: 'nav.vms', icon: 'desktop', path: '/vms' },
  { id: 'storage', label: 'nav.storage', icon: 'database', path: '/storage' },
  { id: 'network', label: 'nav.network', icon: 'apartment', path: '/network' },
  { id: 'tasks', label: 'nav.tasks', icon: 'schedule', path: '/tasks' },
  { id: 'audit', label: 'nav.audit', icon: 'audit', path: '/audit' },
  {
    id: 'admin',
    label: 'nav.admin',
    icon: 'team',
    children: [
      { id: 'users', label: 'nav.users', icon: 'user', path: '/admin/users' },
      { id: 'roles', label: 'nav.roles', icon: 'safety-certificate', path: '/admin/roles' },
    ],
  },
  { id: 'settings', label: 'nav.settings', icon: 'setting', path: '/settings' },
];
