import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { NzBadgeModule } from 'ng-zorro-antd/badge';
import { I18nService } from '../core/i18n/i18n.service';

type Badge = 'success' | 'processing' | 'default' | 'error' | 'warning';

const BADGES: Record<string, Badge> = {
  online: 'success',
  running: 'success',
  succeeded: 'success',
  active: 'success',
  ready: 'success',
  offline: 'default',
  stopped: 'default',
  cancelled: 'default',
  unknown: 'default',
  maintenance: 'warning',
  paused: 'warning',
  pending: 'processing',
  queued: 'processing',
  creating: 'processing',
  starting: 'processing',
  stopping: 'processing',
  migrating: 'processing',
  deleting: 'processing',
  uploading: 'processing',
  error: 'error',
  failed: 'error',
};

/**
 * A state (node, VM, task, pool, volume) as a coloured dot and its translated name; the raw
 * state is in `data-state` for tests, and shown as-is when the console has no name for it.
 */
@Component({
  selector: 'pd-state-tag',
  imports: [NzBadgeModule],
  template: `<nz-badge [nzStatus]="badge()" [nzText]="label()" [attr.data-state]="state()" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StateTagComponent {
  private readonly i18n = inject(I18nService);
  readonly state = input.required<string>();
  protected readonly badge = computed<Badge>(() => BADGES[this.state()] ?? 'default');
  protected readonly label = computed(() => this.i18n.lookup(`state.${this.state()}`) ?? this.state());
}
