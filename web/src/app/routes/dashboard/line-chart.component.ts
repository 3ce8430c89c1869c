import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  effect,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import type { EChartsType } from 'echarts/core';
import { formatBytes } from '../../shared/format.pipes';

/** One line: `[epoch ms, value]` points, oldest first. */
export interface ChartSeries {
  name: string;
  points: Array<[number, number]>;
}

/** How values are shown on the axis and in the tooltip. */
export type ChartUnit = 'percent' | 'bytes';

const format = (unit: ChartUnit, value: number) =>
  unit === 'percent' ? `${Math.round(value * 10) / 10}%` : formatBytes(value);

/**
 * A time-series line chart (ECharts, loaded on first use). It owns its chart instance: created
 * once the element exists, resized with its container, disposed when the component goes.
 * `data-points` counts the points drawn, for tests.
 */
@Component({
  selector: 'pd-line-chart',
  template: `<div #host class="chart" role="img" [attr.aria-label]="label()" [attr.data-points]="pointCount()"></div>`,
  styles: `
    :host {
      display: block;
      min-width: 0;
    }
    .chart {
      width: 100%;
      height: var(--pd-chart-height, 220px);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LineChartComponent {
  readonly series = input.required<ChartSeries[]>();
  readonly unit = input<ChartUnit>('percent');
  /** What the chart shows, for screen readers. */
  readonly label = input.required<string>();
  /** Upper bound of the value axis (100 for percentages); automatic when undefined. */
  readonly max = input<number | undefined>(undefined);
  /** The time axis spans this much, ending now (a few points must not stretch it to days). */
  readonly windowMs = input(3_600_000);

  private readonly host = viewChild.required<ElementRef<HTMLDivElement>>('host');
  private readonly chart = signal<EChartsType | null>(null);
  protected readonly pointCount = signal(0);

  constructor() {
    const destroyRef = inject(DestroyRef);
    let destroyed = false;
    let observer: ResizeObserver | undefined;
    afterNextRender(() => {
      void import('./echarts-setup').then(({ init }) => {
        if (destroyed) return;
        const element = this.host().nativeElement;
        const chart = init(element, undefined, { renderer: 'canvas' });
        observer = new ResizeObserver(() => chart.resize());
        observer.observe(element);
        this.chart.set(chart);
      });
    });
    destroyRef.onDestroy(() => {
      destroyed = true;
      observer?.disconnect();
      this.chart()?.dispose();
    });
    effect(() => {
      const chart = this.chart();
      if (!chart) return;
      const series = this.series();
      const unit = this.unit();
      // Text inherits the page's colour so the chart follows light and dark themes.
      const text = getComputedStyle(this.host().nativeElement).color;
      chart.setOption(
        {
          animation: false,
          textStyle: { color: text },
          grid: { left: 8, right: 16, top: series.length > 1 ? 36 : 16, bottom: 8, containLabel: true },
          legend: { show: series.length > 1, top: 0, type: 'scroll', textStyle: { color: text } },
          tooltip: {
            trigger: 'axis',
            valueFormatter: (value: unknown) => (typeof value === 'number' ? format(unit, value) : '—'),
          },
          xAxis: {
            type: 'time',
            min: Date.now() - this.windowMs(),
            max: Date.now(),
            axisLabel: { color: text, hideOverlap: true },
          },
          yAxis: {
            type: 'value',
            min: 0,
            max: this.max(),
            axisLabel: { color: text, formatter: (value: number) => format(unit, value) },
          },
          series: series.map((s) => ({
            name: s.name,
            type: 'line',
            showSymbol: s.points.length < 3,
            smooth: false,
            data: s.points,
          })),
        },
        { replaceMerge: ['series'] },
      );
      this.pointCount.set(series.reduce((n, s) => n + s.points.length, 0));
    });
  }
}
