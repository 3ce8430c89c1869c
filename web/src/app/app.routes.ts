import type { Routes } from '@angular/router';
import { authGuard, guestGuard } from './core/auth/auth.guard';
import { BasicLayout } from './layout/basic/basic.layout';
import { PassportLayout } from './layout/passport/passport.layout';

/** Route titles are message keys, translated by TranslatedTitleStrategy. */
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
    path: '',
    component: BasicLayout,
    canActivate: [authGuard],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
      {
        path: 'dashboard',
        title: 'nav.dashboard',
        loadComponent: () => import('./routes/dashboard/dashboard.page').then((m) => m.DashboardPage),
      },
      {
        path: 'nodes',
        title: 'nav.nodes',
        loadComponent: () => import('./routes/nodes/nodes.page').then((m) => m.NodesPage),
      },
      {
        path: 'vms',
        title: 'nav.vms',
        loadComponent: () => import('./routes/vms/vms.page').then((m) => m.VmsPage),
      },
      {
        path: 'storage',
        title: 'nav.storage',
        loadComponent: () => import('./routes/storage/storage.page').then((m) => m.StoragePage),
      },
      {
        path: 'network',
        title: 'nav.network',
        loadComponent: () => import('./routes/network/network.page').then((m) => m.NetworkPage),
      },
      {
        path: 'tasks',
        title: 'nav.tasks',
        loadComponent: () => import('./routes/tasks/tasks.page').then((m) => m.TasksPage),
      },
      {
        path: 'audit',
        title: 'nav.audit',
        loadComponent: () => import('./routes/audit/audit.page').then((m) => m.AuditPage),
      },
      { path: 'admin', pathMatch: 'full', redirectTo: 'admin/users' },
      {
        path: 'admin/users',
        title: 'nav.users',
        loadComponent: () => import('./routes/admin/users/users.page').then((m) => m.UsersPage),
      },
      {
        path: 'admin/roles',
        title: 'nav.roles',
        loadComponent: () => import('./routes/admin/roles/roles.page').then((m) => m.RolesPage),
      },
      {
        path: 'settings',
        title: 'nav.settings',
        loadComponent: () => import('./routes/settings/settings.page').then((m) => m.SettingsPage),
      },
      {
        path: '**',
        title: 'notFound.title',
        loadComponent: () => import('./routes/exception/not-found.page').then((m) => m.NotFoundPage),
      },
    ],
  },
];
