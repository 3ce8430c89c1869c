import { ChangeDetectionStrategy, Component } from '@angular/core';

// Placeholder replaced by the VM pages work.
@Component({
  selector: 'pd-console-window-page',
  template: '',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConsoleWindowPage {}
