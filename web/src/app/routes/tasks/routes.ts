import type { Routes } from '@angular/router';

/** The tasks area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.tasks',
    loadComponent: () => import('./tasks.page').then((m) => m.TasksPage),
  },
] satisfies Routes;
