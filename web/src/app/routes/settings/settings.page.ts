import { ChangeDetectionStrategy, Component } from '@angular/core';
import { ComingSoonComponent } from '../../shared/coming-soon.component';

/** Settings (placeholder). */
@Component({
  selector: 'pd-settings-page',
  imports: [ComingSoonComponent],
  template: `<pd-coming-soon title="nav.settings" scope="soon.settings" icon="setting" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SettingsPage {}
