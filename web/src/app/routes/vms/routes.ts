import type { Routes } from '@angular/router';
import { DeleteOutline, MoreOutline, PlusOutline, SearchOutline } from '@ant-design/icons-angular/icons';
import { provideNzIconsPatch } from 'ng-zorro-antd/icon';

// Icons of the list and the create wizard, compiled in (ng-zorro would otherwise fetch them).
const listIcons = [DeleteOutline, MoreOutline, PlusOutline, SearchOutline];

/**
 * The VMs area: the list, the create wizard and one VM's page (tabs chosen by `?tab=`). A VM's
 * console alone in a window (`/vms/:id/console`) is a top-level route outside the shell, in
 * app.routes.ts. Titles are message keys.
 */
export default [
  {
    path: '',
    title: 'nav.vms',
    providers: [provideNzIconsPatch(listIcons)],
    loadComponent: () => import('./list/vm-list.page').then((m) => m.VmListPage),
  },
  {
    path: 'new',
    title: 'nav.vms',
    providers: [provideNzIconsPatch(listIcons)],
    loadComponent: () => import('./create/vm-create.page').then((m) => m.VmCreatePage),
  },
  {
    path: ':id',
    title: 'nav.vms',
    loadComponent: () => import('./detail/vm-detail.page').then((m) => m.VmDetailPage),
  },
] satisfies Routes;
