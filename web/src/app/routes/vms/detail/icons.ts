import {
  CameraOutline,
  CaretRightOutline,
  CopyOutline,
  DeleteOutline,
  EditOutline,
  ImportOutline,
  PauseCircleOutline,
  PlayCircleOutline,
  PlusOutline,
  PoweroffOutline,
  RedoOutline,
  RollbackOutline,
  StopOutline,
} from '@ant-design/icons-angular/icons';
import { provideNzIconsPatch } from 'ng-zorro-antd/icon';

/** Icons of one VM's page, compiled in (the shell's own are in core/icons.ts). */
export const VM_DETAIL_ICONS = provideNzIconsPatch([
  CameraOutline,
  CaretRightOutline,
  CopyOutline,
  DeleteOutline,
  EditOutline,
  ImportOutline,
  PauseCircleOutline,
  PlayCircleOutline,
  PlusOutline,
  PoweroffOutline,
  RedoOutline,
  RollbackOutline,
  StopOutline,
]);
