import type { Routes } from '@angular/router';
import {
  CheckCircleOutline,
  CopyOutline,
  DeleteOutline,
  EditOutline,
  MinusCircleOutline,
  PlusOutline,
  StopOutline,
  ToolOutline,
} from '@ant-design/icons-angular/icons';
import { provideNzIconsPatch } from 'ng-zorro-antd/icon';

/** The nodes area: the list (with the Add node dialog) and one node's page. Titles are message keys. */
export default [
  {
    path: '',
    providers: [
      provideNzIconsPatch([
        CheckCircleOutline,
        CopyOutline,
        DeleteOutline,
        EditOutline,
        MinusCircleOutline,
        PlusOutline,
        StopOutline,
        ToolOutline,
      ]),
    ],
    children: [
      {
        path: '',
        title: 'nav.nodes',
        loadComponent: () => import('./node-list.page').then((m) => m.NodeListPage),
      },
      {
        path: ':id',
        title: 'nav.nodes',
        loadComponent: () => import('./node-detail.page').then((m) => m.NodeDetailPage),
      },
    ],
  },
] satisfies Routes;
