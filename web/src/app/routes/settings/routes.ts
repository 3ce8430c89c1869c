import type { Routes } from '@angular/router';

/** The settings area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.settings',
    loadComponent: () => import('./settings.page').then((m) => m.SettingsPage),
  },
] satisfies Routes;
