import type { Routes } from '@angular/router';
import { PlusOutline, UserAddOutline } from '@ant-design/icons-angular/icons';
import { provideNzIconsPatch } from 'ng-zorro-antd/icon';

/** Administration: users and roles, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    providers: [provideNzIconsPatch([PlusOutline, UserAddOutline])],
    children: [
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
    ],
  },
] satisfies Routes;
