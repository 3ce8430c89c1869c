import type { Routes } from '@angular/router';
import { DeleteOutline, PlusOutline } from '@ant-design/icons-angular/icons';
import { provideNzIconsPatch } from 'ng-zorro-antd/icon';

/** The network area (list and topology), loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.network',
    providers: [provideNzIconsPatch([DeleteOutline, PlusOutline])],
    loadComponent: () => import('./network.page').then((m) => m.NetworkPage),
  },
] satisfies Routes;
