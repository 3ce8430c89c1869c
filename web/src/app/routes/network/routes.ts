import type { Routes } from '@angular/router';

/** The network area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.network',
    loadComponent: () => import('./network.page').then((m) => m.NetworkPage),
  },
] satisfies Routes;
