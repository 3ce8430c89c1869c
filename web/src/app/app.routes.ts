import type { Routes } from '@angular/router';
import { authGuard, guestGuard } from './core/auth/auth.guard';
import { BasicLayout } from './layout/basic/basic.layout';
import { PassportLayout } from './layout/passport/passport.layout';

/**
 * Route titles are message keys, translated by TranslatedTitleStrategy. Each area declares its own
 * routes in `routes/<area>/routes.ts`, loaded the first time it is visited.
 */
export const routes: Routes = [
  {
    path: 'login',
    component: PassportLayout,
    canActivate: [guestGuard],
    children: [
      {
        path: '',
        title: 'login.title',
        loadComponent: () => import('./routes/login/login.page').then((m) => m.LoginPage),
      },
    ],
  },
  {
    // A VM's console alone in its own window: signed in, but without the shell around it.
    path: 'vms/:id/console',
    title: 'nav.vms',
    canActivate: [authGuard],
    loadComponent: () => import('./routes/vms/console/console-window.page').then((m) => m.ConsoleWindowPage),
  },
  {
    path: '',
    component: BasicLayout,
    canActivate: [authGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
      { path: 'dashboard', loadChildren: () => import('./routes/dashboard/routes') },
      { path: 'nodes', loadChildren: () => import('./routes/nodes/routes') },
      { path: 'vms', loadChildren: () => import('./routes/vms/routes') },
      { path: 'storage', loadChildren: () => import('./routes/storage/routes') },
      { path: 'network', loadChildren: () => import('./routes/network/routes') },
      { path: 'tasks', loadChildren: () => import('./routes/tasks/routes') },
      { path: 'audit', loadChildren: () => import('./routes/audit/routes') },
      { path: 'admin', loadChildren: () => import('./routes/admin/routes') },
      { path: 'settings', loadChildren: () => import('./routes/settings/routes') },
      {
        path: '**',
        title: 'notFound.title',
        loadComponent: () => import('./routes/exception/not-found.page').then((m) => m.NotFoundPage),
      },
    ],
  },
];
