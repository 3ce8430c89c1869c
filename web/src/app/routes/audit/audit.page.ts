import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ComingSoonComponent } from '../../shared/coming-soon.component';

/** Audit log (placeholder). */
@Component({
  selector: 'pd-audit-page',
  imports: [ComingSoonComponent],
  template: `<pd-coming-soon title="nav.audit" scope="soon.audit" icon="audit" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditPage {}
