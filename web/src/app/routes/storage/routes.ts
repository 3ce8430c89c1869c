import type { Routes } from '@angular/router';
import { DeleteOutline, PlusOutline, UploadOutline } from '@ant-design/icons-angular/icons';
import { provideNzIconsPatch } from 'ng-zorro-antd/icon';

/** The storage area (pools, volumes, uploads), loaded when first visited. Titles are message keys. */
export default [
  {
    path: '',
    title: 'nav.storage',
    providers: [provideNzIconsPatch([DeleteOutline, PlusOutline, UploadOutline])],
    loadComponent: () => import('./storage.page').then((m) => m.StoragePage),
  },
] satisfies Routes;
