import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { Router, RouterLink } from '@angular/router';
import { isDeleted } from '@paddock/protocol/api/events';
import type { Node, NodeDetail } from '@paddock/protocol/api/nodes';
import type { Vm } from '@paddock/protocol/api/vms';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzEmptyModule } from 'ng-zorro-antd/empty';
import { NzGridModule } from 'ng-zorro-antd/grid';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzMessageService } from 'ng-zorro-antd/message';
import { NzPopconfirmModule } from 'ng-zorro-antd/popconfirm';
import { NzResultModule } from 'ng-zorro-antd/result';
import { NzSpinModule } from 'ng-zorro-antd/spin';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzTimelineModule } from 'ng-zorro-antd/timeline';
import { NzTooltipModule } from 'ng-zorro-antd/tooltip';
import { auditTime, filter, merge, switchMap } from 'rxjs';
import { NodesApi } from '../../core/api/nodes.api';
import { VmsApi } from '../../core/api/vms.api';
import { I18nService } from '../../core/i18n/i18n.service';
import { LiveEvents } from '../../core/live/live-events.service';
import { CanDirective } from '../../shared/can.directive';
import { BytesPipe, WhenPipe } from '../../shared/format.pipes';
import { PageHeaderComponent } from '../../shared/page-header.component';
import { StateTagComponent } from '../../shared/state-tag.component';
import { TranslatePipe } from '../../shared/translate.pipe';
import { type ChartSeries, LineChartComponent } from '../dashboard/line-chart.component';
import { nodeSeries } from '../dashboard/node-series';
import { EditLabelsDialog } from './edit-labels.dialog';
import { UsageBarComponent } from './usage-bar.component';

const CHARTS_EVERY_MS = 15_000;
const VM_PAGE_SIZE = 10;

/** One node: facts, usage, charts, its VMs, status history, and the administrator's actions. */
@Component({
  selector: 'pd-node-detail-page',
  imports: [
    BytesPipe,
    CanDirective,
    EditLabelsDialog,
    LineChartComponent,
    NzButtonModule,
    NzCardModule,
    NzDescriptionsModule,
    NzEmptyModule,
    NzGridModule,
    NzIconModule,
    NzPopconfirmModule,
    NzResultModule,
    NzSpinModule,
    NzTableModule,
    NzTagModule,
    NzTimelineModule,
    NzTooltipModule,
    PageHeaderComponent,
    RouterLink,
    StateTagComponent,
    TranslatePipe,
    UsageBarComponent,
    WhenPipe,
  ],
  templateUrl: './node-detail.page.html',
  styles: `
    .chart-title {
      font-size: 13px;
      margin-bottom: 4px;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .head {
      display: flex;
      align-items: center;
      gap: 12px;
      flex-wrap: wrap;
    }
    nz-card {
      height: 100%;
    }
    .usage > * + * {
      margin-top: 12px;
    }
    .usage-label {
      font-size: 12px;
    }
    .reason {
      opacity: 0.75;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NodeDetailPage {
  private readonly api = inject(NodesApi);
  private readonly vmsApi = inject(VmsApi);
  private readonly router = inject(Router);
  private readonly messages = inject(NzMessageService);
  private readonly i18n = inject(I18nService);

  /** Route parameter (component input binding). */
  readonly id = input.required<string>();

  protected readonly node = signal<NodeDetail | null>(null);
  protected readonly missing = signal(false);
  protected readonly busy = signal<string | null>(null);
  protected readonly labelsOpen = signal(false);
  protected readonly cpuSeries = signal<ChartSeries[]>([]);
  protected readonly memSeries = signal<ChartSeries[]>([]);
  protected readonly vms = signal<Vm[]>([]);
  protected readonly vmTotal = signal(0);
  /** Managed VMs on the node: while there are any, it cannot be deleted (unmanaged records go with it). */
  protected readonly managedVms = signal(0);
  protected readonly vmPage = signal(1);
  protected readonly vmPageSize = VM_PAGE_SIZE;

  protected readonly labels = computed(() => Object.entries(this.node()?.labels ?? {}));
  protected readonly facts = computed(() => {
    const n = this.node();
    if (!n) return [];
    const f = n.facts as {
      cpuModel?: string;
      ips?: string[];
      capabilities?: { kvm?: boolean; archs?: string[] };
    };
    const m = n.metrics as { load1?: number };
    const rows: Array<{ id: string; label: string; value: string }> = [
      { id: 'ip', label: 'nodes.ip', value: (f.ips ?? []).join(', ') || (n.ip ?? '—') },
      { id: 'virt', label: 'nodes.virtType', value: n.virtType || '—' },
      { id: 'cpu-model', label: 'nodes.cpuModel', value: f.cpuModel || '—' },
      { id: 'cores', label: 'nodes.cpu', value: this.i18n.t('nodes.cores', { count: n.cpu.total }) },
      { id: 'agent', label: 'nodes.agentVersion', value: n.versions['agent'] || '—' },
      { id: 'libvirt', label: 'nodes.libvirtVersion', value: n.versions['libvirt'] || '—' },
      { id: 'qemu', label: 'nodes.qemuVersion', value: n.versions['qemu'] || '—' },
      { id: 'load', label: 'nodes.load', value: m.load1 !== undefined ? String(m.load1) : '—' },
    ];
    return rows.map((r) => ({ ...r, label: this.i18n.lookup(r.label) ?? r.label }));
  });

  constructor() {
    const live = inject(LiveEvents);
    const id$ = toObservable(this.id);
    id$.pipe(takeUntilDestroyed()).subscribe(() => {
      this.node.set(null);
      this.missing.set(false);
      this.vmPage.set(1);
      void this.load();
      void this.loadCharts();
      void this.loadVms();
    });
    id$
      .pipe(
        switchMap((id) => live.on('node', id)),
        takeUntilDestroyed(),
      )
      .subscribe(({ data }) => this.apply(data));
    merge(id$.pipe(switchMap((id) => live.on('node', id))), live.resync$)
      .pipe(auditTime(CHARTS_EVERY_MS), takeUntilDestroyed())
      .subscribe(() => void this.loadCharts());
    merge(live.on('vm').pipe(filter((e) => isDeleted(e.data) || e.data.nodeId === this.id())), live.resync$)
      .pipe(auditTime(2_000), takeUntilDestroyed())
      .subscribe(() => void this.loadVms());
    live.resync$.pipe(takeUntilDestroyed()).subscribe(() => void this.load());
  }

  protected async toggleMaintenance(): Promise<void> {
    const n = this.node();
    if (!n) return;
    await this.run('maintenance', async () => {
      this.node.set(await this.api.update(n.id, { maintenance: !n.maintenance }));
      this.messages.success(
        this.i18n.t(n.maintenance ? 'nodes.maintenanceCleared' : 'nodes.maintenanceSet', {
          name: n.hostname,
        }),
      );
    });
  }

  protected async saveLabels(labels: Record<string, string>): Promise<void> {
    const n = this.node();
    if (!n) return;
    await this.run('labels', async () => {
      this.node.set(await this.api.update(n.id, { labels }));
      this.labelsOpen.set(false);
      this.messages.success(this.i18n.t('nodes.labelsSaved'));
    });
  }

  protected async revoke(): Promise<void> {
    const n = this.node();
    if (!n) return;
    await this.run('revoke', async () => {
      this.node.set(await this.api.revoke(n.id));
      this.messages.success(this.i18n.t('nodes.revoked', { name: n.hostname }));
    });
  }

  protected async remove(): Promise<void> {
    const n = this.node();
    if (!n) return;
    await this.run('delete', async () => {
      await this.api.delete(n.id);
      this.messages.success(this.i18n.t('nodes.deleted', { name: n.hostname }));
      await this.router.navigate(['/nodes']);
    });
  }

  protected onVmPage(page: number): void {
    this.vmPage.set(page);
    void this.loadVms();
  }

  // Errors are already reported by the interceptor; `busy` only drives the buttons' spinners.
  private async run(action: string, work: () => Promise<void>): Promise<void> {
    this.busy.set(action);
    try {
      await work();
    } catch {
      // reported
    } finally {
      this.busy.set(null);
    }
  }

  private async load(): Promise<void> {
    try {
      this.node.set(await this.api.get(this.id()));
    } catch {
      this.missing.set(true);
    }
  }

  private apply(data: Node | { id: string; deleted: true }): void {
    if (isDeleted(data)) {
      this.node.set(null);
      this.missing.set(true);
      return;
    }
    const before = this.node();
    if (!before) return;
    // The event carries the node; facts, metrics and status history come with the detail.
    this.node.set({ ...before, ...data });
    if (before.status !== data.status || before.connected !== data.connected) void this.load();
  }

  private async loadCharts(): Promise<void> {
    try {
      const m = await this.api.metrics(this.id(), 60);
      const name = this.node()?.hostname ?? '';
      this.cpuSeries.set([nodeSeries(name, m.points, 'cpuPct')]);
      this.memSeries.set([nodeSeries(name, m.points, 'memUsedBytes')]);
    } catch {
      this.cpuSeries.set([]);
      this.memSeries.set([]);
    }
  }

  private async loadVms(): Promise<void> {
    try {
      const [page, managed] = await Promise.all([
        this.vmsApi.list({ nodeId: this.id(), page: this.vmPage(), pageSize: VM_PAGE_SIZE }),
        this.vmsApi.list({ nodeId: this.id(), managed: true, pageSize: 1 }),
      ]);
      this.vms.set(page.items);
      this.vmTotal.set(page.total);
      this.managedVms.set(managed.total);
    } catch {
      this.vms.set([]);
    }
  }
}
