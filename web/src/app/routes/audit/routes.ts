import type { Routes } from '@angular/router';
import { MinusSquareOutline, PlusSquareOutline, ReloadOutline } from '@ant-design/icons-angular/icons';
import { provideNzNativeDateAdapter } from 'ng-zorro-antd/core/time';
import { provideNzIconsPatch } from 'ng-zorro-antd/icon';

/** The audit area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.audit',
    // The time-range picker needs a date adapter; native Date and Intl are all it takes.
    providers: [
      provideNzIconsPatch([MinusSquareOutline, PlusSquareOutline, ReloadOutline]),
      provideNzNativeDateAdapter(),
    ],
    loadComponent: () => import('./audit-log.page').then((m) => m.AuditLogPage),
  },
] satisfies Routes;
