import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ComingSoonComponent } from '../../shared/coming-soon.component';

/** Storage pools and volumes (placeholder). */
@Component({
  selector: 'pd-storage-page',
  imports: [ComingSoonComponent],
  template: `<pd-coming-soon title="nav.storage" scope="soon.storage" icon="database" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StoragePage {}
