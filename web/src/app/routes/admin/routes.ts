import type { Routes } from '@angular/router';

/** Administration: users and roles, loaded when first visited. Titles are message keys. */
export default [
  { path: '', pathMatch: 'full', redirectTo: 'users' },
  {
    path: 'users',
    title: 'nav.users',
    loadComponent: () => import('./users/users.page').then((m) => m.UsersPage),
  },
  {
    path: 'roles',
    title: 'nav.roles',
    loadComponent: () => import('./roles/roles.page').then((m) => m.RolesPage),
  },
] satisfies Routes;
