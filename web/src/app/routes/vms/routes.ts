import type { Routes } from '@angular/router';

/** The vms area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.vms',
    loadComponent: () => import('./vms.page').then((m) => m.VmsPage),
  },
] satisfies Routes;
