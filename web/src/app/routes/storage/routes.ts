import type { Routes } from '@angular/router';

/** The storage area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.storage',
    loadComponent: () => import('./storage.page').then((m) => m.StoragePage),
  },
] satisfies Routes;
