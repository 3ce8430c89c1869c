import type { Routes } from '@angular/router';
import {
  MinusSquareOutline,
  PlusSquareOutline,
  RedoOutline,
  ReloadOutline,
  StopOutline,
} from '@ant-design/icons-angular/icons';
import { provideNzIconsPatch } from 'ng-zorro-antd/icon';

/** The tasks area, loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.tasks',
    providers: [
      provideNzIconsPatch([MinusSquareOutline, PlusSquareOutline, RedoOutline, ReloadOutline, StopOutline]),
    ],
    loadComponent: () => import('./task-list.page').then((m) => m.TaskListPage),
  },
] satisfies Routes;
