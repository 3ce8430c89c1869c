import type { Routes } from '@angular/router';

/** The dashboard area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.dashboard',
    loadComponent: () => import('./dashboard.page').then((m) => m.DashboardPage),
  },
] satisfies Routes;
