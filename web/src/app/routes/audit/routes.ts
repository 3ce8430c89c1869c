import type { Routes } from '@angular/router';
import { ReloadOutline } from '@ant-design/icons-angular/icons';
import { provideNzIconsPatch } from 'ng-zorro-antd/icon';

/** The audit area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.audit',
    providers: [provideNzIconsPatch([ReloadOutline])],
    loadComponent: () => import('./audit-log.page').then((m) => m.AuditLogPage),
  },
] satisfies Routes;
