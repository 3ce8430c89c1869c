import { HttpErrorResponse, httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { Dashboard } from '@paddock/protocol/api/dashboard';
import { NzBadgeModule } from 'ng-zorro-antd/badge';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzEmptyModule } from 'ng-zorro-antd/empty';
import { NzGridModule } from 'ng-zorro-antd/grid';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzProgressModule } from 'ng-zorro-antd/progress';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzTooltipModule } from 'ng-zorro-antd/tooltip';
import { auditTime, merge } from 'rxjs';
import { DashboardApi } from '../../core/api/dashboard.api';
import { NodesApi } from '../../core/api/nodes.api';
import { AuthService } from '../../core/auth/auth.service';
import { API_BASE } from '../../core/http/api-base';
import { I18nService } from '../../core/i18n/i18n.service';
import { LiveEvents } from '../../core/live/live-events.service';
import type { MessageKey } from '../../core/i18n/dictionaries/en';
import { WhenPipe, formatBytes } from '../../shared/format.pipes';
import { PageHeaderComponent } from '../../shared/page-header.component';
import { StateTagComponent } from '../../shared/state-tag.component';
import { TranslatePipe } from '../../shared/translate.pipe';
import { type ApplianceHealth, healthFacts } from './health.model';
import { type ChartSeries, LineChartComponent } from './line-chart.component';
import { nodeSeries, percentOf } from './node-series';

// Live events come in bursts (a bulk action, 1,000 heartbeating nodes): refresh at most this often.
const SUMMARY_EVERY_MS = 3_000;
const CHARTS_EVERY_MS = 15_000;
const VM_STATES = [
  'running',
  'stopped',
  'paused',
  'starting',
  'stopping',
  'creating',
  'migrating',
  'deleting',
  'error',
  'unknown',
];

/** Overview: nodes, VMs, allocation, node load, tasks, and the appliance's own health. */
@Component({
  selector: 'pd-dashboard-page',
  imports: [
    LineChartComponent,
    NzBadgeModule,
    NzButtonModule,
    NzCardModule,
    NzDescriptionsModule,
    NzEmptyModule,
    NzGridModule,
    NzIconModule,
    NzProgressModule,
    NzTagModule,
    NzTooltipModule,
    PageHeaderComponent,
    RouterLink,
    StateTagComponent,
    TranslatePipe,
    WhenPipe,
  ],
  templateUrl: './dashboard.page.html',
  styles: `
    .chart-title {
      font-size: 13px;
      margin-bottom: 4px;
    }
    nz-card {
      height: 100%;
    }
    .big {
      font-size: 28px;
      font-weight: 600;
      line-height: 1.2;
    }
    .figures {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
      margin-top: 8px;
    }
    .bar + .bar {
      margin-top: 12px;
    }
    .bar-head {
      display: flex;
      justify-content: space-between;
      gap: 8px;
    }
    .note {
      margin: 12px 0 0;
      opacity: 0.75;
      font-size: 12px;
    }
    .task-list {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .task-list li {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 4px 12px;
      padding: 6px 0;
      border-bottom: 1px solid rgba(128, 128, 128, 0.2);
    }
    .task-list li:last-child {
      border-bottom: 0;
    }
    .task-time {
      margin-left: auto;
      opacity: 0.75;
      font-size: 12px;
    }
    .task-error {
      flex-basis: 100%;
      overflow-wrap: anywhere;
      font-size: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DashboardPage {
  private readonly i18n = inject(I18nService);
  private readonly dashboardApi = inject(DashboardApi);
  private readonly nodesApi = inject(NodesApi);
  protected readonly user = inject(AuthService).user;
  protected readonly endpoint = inject(API_BASE) || window.location.origin;
  protected readonly health = httpResource<ApplianceHealth>(() => '/healthz');

  protected readonly summary = signal<Dashboard | null>(null);
  protected readonly cpuSeries = signal<ChartSeries[]>([]);
  protected readonly memSeries = signal<ChartSeries[]>([]);

  protected readonly welcome = computed(() =>
    this.i18n.t('dashboard.welcome', { name: this.user()?.username ?? '' }),
  );
  protected readonly facts = computed(() => (this.health.hasValue() ? healthFacts(this.health.value()) : []));
  protected readonly status = computed(() => {
    if (this.health.isLoading())
      return { badge: 'processing', text: this.i18n.t('dashboard.checking') } as const;
    const error = this.health.error();
    if (error instanceof HttpErrorResponse && error.status > 0) {
      return {
        badge: 'error',
        text: this.i18n.t('dashboard.statusFailing', { code: error.status }),
      } as const;
    }
    if (error || !this.health.hasValue())
      return { badge: 'error', text: this.i18n.t('dashboard.statusDown') } as const;
    const status = this.health.value().status;
    return status === 'ok'
      ? ({ badge: 'success', text: this.i18n.t('dashboard.statusOk') } as const)
      : ({ badge: 'warning', text: this.i18n.t('dashboard.statusDegraded', { status }) } as const);
  });

  /** VM states with at least one VM, in a fixed order (unknown ones last). */
  protected readonly vmStates = computed(() => {
    const by = this.summary()?.vms?.byStatus ?? {};
    const known = VM_STATES.filter((s) => by[s]);
    const other = Object.keys(by).filter((s) => !VM_STATES.includes(s));
    return [...known, ...other].map((state) => ({ state, count: by[state] ?? 0 }));
  });

  protected readonly bars = computed(() => {
    const c = this.summary()?.capacity;
    if (!c) return [];
    const rows: Array<{
      id: string;
      label: MessageKey;
      allocated: number;
      total: number;
      text: (n: number) => string;
    }> = [
      { id: 'vcpu', label: 'dashboard.vcpu', ...c.vcpu, text: (n: number) => String(n) },
      { id: 'memory', label: 'dashboard.memory', ...c.memoryBytes, text: formatBytesShort },
      { id: 'disk', label: 'dashboard.disk', ...c.diskBytes, text: formatBytesShort },
    ];
    return rows.map((b) => ({
      id: b.id,
      label: b.label,
      percent: percentOf(b.allocated, b.total),
      over: b.total > 0 && b.allocated > b.total,
      allocated: b.text(b.allocated),
      total: b.text(b.total),
    }));
  });

  constructor() {
    void this.load();
    const live = inject(LiveEvents);
    const changes = merge(live.on('task'), live.on('vm'), live.on('node'), live.resync$);
    changes.pipe(auditTime(SUMMARY_EVERY_MS), takeUntilDestroyed()).subscribe(() => void this.load());
    merge(live.on('node'), live.resync$)
      .pipe(auditTime(CHARTS_EVERY_MS), takeUntilDestroyed())
      .subscribe(() => void this.loadCharts());
  }

  protected progressStatus(over: boolean): 'normal' | 'exception' {
    return over ? 'exception' : 'normal';
  }

  private async load(): Promise<void> {
    const first = this.summary() === null;
    this.summary.set(await this.dashboardApi.summary());
    if (first) await this.loadCharts();
  }

  private async loadCharts(): Promise<void> {
    const charted = this.summary()?.nodes?.charted ?? [];
    const metrics = await Promise.all(
      charted.map((n) =>
        this.nodesApi.metrics(n.id, 60).then(
          (m) => ({ name: n.hostname, points: m.points }),
          () => ({ name: n.hostname, points: [] }),
        ),
      ),
    );
    this.cpuSeries.set(metrics.map((m) => nodeSeries(m.name, m.points, 'cpuPct')));
    this.memSeries.set(metrics.map((m) => nodeSeries(m.name, m.points, 'memPct')));
  }
}

function formatBytesShort(bytes: number): string {
  return formatBytes(bytes, 0);
}
