import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { NzProgressModule } from 'ng-zorro-antd/progress';
import { percentOf } from '../dashboard/node-series';

/** A small used/total bar with its figures underneath (CPU, memory, disk of a node). */
@Component({
  selector: 'pd-usage-bar',
  imports: [NzProgressModule],
  template: `
    <nz-progress
      [nzPercent]="percent()"
      nzSize="small"
      [nzStatus]="percent() >= 90 ? 'exception' : 'normal'"
      [nzShowInfo]="false"
      [attr.aria-label]="label()"
    />
    <div class="text" [attr.data-percent]="percent()">{{ text() }}</div>
  `,
  styles: `
    :host {
      display: block;
      min-width: 100px;
    }
    .text {
      font-size: 12px;
      white-space: nowrap;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsageBarComponent {
  /** 0–100 directly, or computed from used/total. */
  readonly percentValue = input<number | undefined>(undefined, { alias: 'percent' });
  readonly used = input(0);
  readonly total = input(0);
  readonly text = input.required<string>();
  readonly label = input.required<string>();
  protected readonly percent = computed(() => {
    const direct = this.percentValue();
    return direct !== undefined
      ? Math.min(100, Math.round(direct * 10) / 10)
      : percentOf(this.used(), this.total());
  });
}
