import type { Routes } from '@angular/router';

/**
 * The VMs area: the list, the create wizard, one VM's page (tabs chosen by `?tab=`), and a VM's
 * console alone in a window. Titles are message keys.
 */
export default [
  {
    path: '',
    title: 'nav.vms',
    loadComponent: () => import('./list/vm-list.page').then((m) => m.VmListPage),
  },
  {
    path: 'new',
    title: 'nav.vms',
    loadComponent: () => import('./create/vm-create.page').then((m) => m.VmCreatePage),
  },
  {
    path: ':id',
    title: 'nav.vms',
    loadComponent: () => import('./detail/vm-detail.page').then((m) => m.VmDetailPage),
  },
  {
    path: ':id/console',
    title: 'nav.vms',
    loadComponent: () => import('./console/console-window.page').then((m) => m.ConsoleWindowPage),
  },
] satisfies Routes;
