import type { Routes } from '@angular/router';

/** The nodes area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.nodes',
    loadComponent: () => import('./nodes.page').then((m) => m.NodesPage),
  },
] satisfies Routes;
