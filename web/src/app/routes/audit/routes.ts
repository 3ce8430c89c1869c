import type { Routes } from '@angular/router';

/** The audit area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.audit',
    loadComponent: () => import('./audit.page').then((m) => m.AuditPage),
  },
] satisfies Routes;
