import {
  CodeOutline,
  ExportOutline,
  FullscreenExitOutline,
  FullscreenOutline,
  KeyOutline,
} from '@ant-design/icons-angular/icons';
import { provideNzIconsPatch } from 'ng-zorro-antd/icon';

/** Icons of the console toolbar, compiled in (desktop and reload come with the shell). */
export const CONSOLE_ICONS = provideNzIconsPatch([
  CodeOutline,
  ExportOutline,
  FullscreenExitOutline,
  FullscreenOutline,
  KeyOutline,
]);
