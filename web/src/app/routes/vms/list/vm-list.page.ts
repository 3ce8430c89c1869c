import { ChangeDetectionStrategy, Component } from '@angular/core';

// Placeholder replaced by the VM pages work.
@Component({
  selector: 'pd-vm-list-page',
  template: '',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmListPage {}
