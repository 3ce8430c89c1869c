import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router, RouterLink } from '@angular/router';
import { isDeleted } from '@paddock/protocol/api/events';
import type { Network } from '@paddock/protocol/api/networks';
import type { Node } from '@paddock/protocol/api/nodes';
import type { Vm } from '@paddock/protocol/api/vms';
import type { GraphSeriesOption } from 'echarts/charts';
import type { LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption, ECharts } from 'echarts/core';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzSpinModule } from 'ng-zorro-antd/spin';
import { Subject, debounceTime, merge } from 'rxjs';
import { NetworksApi } from '../../../core/api/networks.api';
import { NodesApi } from '../../../core/api/nodes.api';
import { VmsApi } from '../../../core/api/vms.api';
import { I18nService } from '../../../core/i18n/i18n.service';
import { LiveEvents } from '../../../core/live/live-events.service';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { BRIDGE_COLOR, type GraphItem, NODE_COLORS, VM_COLORS, buildTopology } from './topology-graph';

type Option = ComposeOption<GraphSeriesOption | TooltipComponentOption | LegendComponentOption>;

/** At most this many VMs are drawn: a force layout of thousands is neither fast nor readable. */
export const MAX_VMS = 500;
const ALL = 500;
const LEGEND_STATES = ['running', 'stopped', 'paused', 'error', 'starting'] as const;

/**
 * Nodes → bridges → VMs as an ECharts force graph. This component owns the chart: it creates it
 * once ECharts (a lazily loaded chunk) is there, resizes it with its box, redraws it when VMs or
 * nodes change (live events; positions are kept), and disposes of it on destroy. A click on a VM
 * or a node opens its page. The same data is offered as a nested list for keyboards and screen
 * readers.
 */
@Component({
  selector: 'pd-topology',
  imports: [NzButtonModule, NzIconModule, NzSpinModule, RouterLink, TranslatePipe],
  template: `
    <section
      id="topology"
      [attr.data-nodes]="counts().nodes"
      [attr.data-networks]="counts().networks"
      [attr.data-vms]="counts().vms"
      [attr.data-capped]="capped() ? 'true' : 'false'"
      [attr.data-ready]="ready() ? 'true' : 'false'"
    >
      <div class="toolbar">
        <span id="topology-summary">{{ 'network.topo.summary' | t: counts() }}</span>
        @if (capped(); as cap) {
          <span id="topology-capped" class="capped">{{ 'network.topo.capped' | t: cap }}</span>
        }
        <span class="spacer"></span>
        <span class="legend" aria-hidden="true">
          @for (state of legendStates; track state) {
            <span class="legend-item"><span class="dot" [style.background]="vmColors[state]"></span>{{ stateLabel(state) }}</span>
          }
        </span>
        <button nz-button type="button" id="topology-refresh" [attr.aria-label]="'common.refresh' | t" (click)="load()">
          <nz-icon nzType="reload" />
        </button>
      </div>
      <nz-spin [nzSpinning]="loading()">
        <div #chart id="topology-chart" class="chart" role="img" [attr.aria-label]="'network.topo.summary' | t: counts()"></div>
      </nz-spin>
      <details id="topology-list" class="as-list">
        <summary>{{ 'network.topo.asList' | t }}</summary>
        <ul>
          @for (host of topology().hosts; track host.node.id) {
            <li [attr.data-node]="host.node.id">
              <a [routerLink]="['/nodes', host.node.id]">{{ host.node.hostname }}</a>
              <ul>
                @for (bridge of host.bridges; track bridge.network.id) {
                  <li [attr.data-network]="bridge.network.id">
                    {{ bridge.network.name }} ({{ bridge.network.bridge ?? '—' }})
                    <ul>
                      @for (vm of bridge.vms; track vm.id) {
                        <li [attr.data-vm]="vm.id"><a [routerLink]="['/vms', vm.id]">{{ vm.name }}</a> · {{ stateLabel(vm.status) }}</li>
                      }
                    </ul>
                  </li>
                }
                @for (vm of host.detached; track vm.id) {
                  <li [attr.data-vm]="vm.id">
                    <a [routerLink]="['/vms', vm.id]">{{ vm.name }}</a> · {{ 'network.topo.noNetwork' | t }}
                  </li>
                }
              </ul>
            </li>
          }
          @if (topology().unplaced.length > 0) {
            <li>
              {{ 'network.topo.unplaced' | t }}
              <ul>
                @for (vm of topology().unplaced; track vm.id) {
                  <li [attr.data-vm]="vm.id"><a [routerLink]="['/vms', vm.id]">{{ vm.name }}</a> · {{ stateLabel(vm.status) }}</li>
                }
              </ul>
            </li>
          }
          @if (topology().unused.length > 0) {
            <li>
              {{ 'network.topo.unused' | t }}
              <ul>
                @for (network of topology().unused; track network.id) {
                  <li [attr.data-network]="network.id">{{ network.name }} ({{ network.bridge ?? '—' }})</li>
                }
              </ul>
            </li>
          }
        </ul>
      </details>
    </section>
  `,
  styles: `
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 16px;
      margin-bottom: 8px;
    }
    .spacer {
      flex: 1;
    }
    .capped {
      color: #d48806;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      font-size: 12px;
    }
    .legend-item {
      display: inline-flex;
      align-items: center;
      gap: 4px;
    }
    .dot {
      width: 10px;
      height: 10px;
      border-radius: 50%;
      display: inline-block;
    }
    .chart {
      width: 100%;
      height: min(62vh, 560px);
      min-height: 320px;
      border: 1px solid rgba(128, 128, 128, 0.25);
      border-radius: 8px;
    }
    .as-list {
      margin-top: 12px;
    }
    .as-list summary {
      cursor: pointer;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TopologyComponent {
  private readonly nodesApi = inject(NodesApi);
  private readonly networksApi = inject(NetworksApi);
  private readonly vmsApi = inject(VmsApi);
  private readonly i18n = inject(I18nService);
  private readonly router = inject(Router);
  private readonly host = inject(ElementRef<HTMLElement>);
  private readonly live = inject(LiveEvents);
  private readonly chartBox = viewChild.required<ElementRef<HTMLDivElement>>('chart');

  protected readonly loading = signal(false);
  protected readonly ready = signal(false);
  private readonly nodes = signal<Node[]>([]);
  private readonly networks = signal<Network[]>([]);
  private readonly vms = signal<Vm[]>([]);
  private readonly vmTotal = signal(0);
  protected readonly topology = computed(() => buildTopology(this.nodes(), this.networks(), this.vms()));
  protected readonly counts = computed(() => this.topology().counts);
  protected readonly capped = computed(() =>
    this.vmTotal() > this.vms().length ? { shown: this.vms().length, total: this.vmTotal() } : null,
  );
  protected readonly legendStates = LEGEND_STATES;
  protected readonly vmColors = VM_COLORS;

  private chart: ECharts | null = null;
  private resize: ResizeObserver | null = null;
  private destroyed = false;
  private readonly redraw = new Subject<void>();

  constructor() {
    const destroyRef = inject(DestroyRef);
    destroyRef.onDestroy(() => {
      this.destroyed = true;
      this.resize?.disconnect();
      this.chart?.dispose();
      this.chart = null;
    });
    void this.load();
    // Redraw on data or language change (legend and category names are translated).
    effect(() => {
      this.topology();
      this.i18n.language();
      untracked(() => this.redraw.next());
    });
    this.redraw.pipe(debounceTime(150), takeUntilDestroyed()).subscribe(() => void this.draw());
    this.live.resync$.pipe(takeUntilDestroyed()).subscribe(() => void this.load());
    merge(this.live.on('vm'), this.live.on('node'))
      .pipe(takeUntilDestroyed())
      .subscribe((event) => {
        if (event.kind === 'vm') this.vms.update((list) => applyVm(list, event.id, event.data, MAX_VMS));
        else this.nodes.update((list) => applyNode(list, event.id, event.data));
      });
  }

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      const [nodes, networks, vms] = await Promise.all([
        this.nodesApi.list({ pageSize: ALL, sort: 'hostname:asc' }),
        this.networksApi.list({ pageSize: ALL, sort: 'name:asc' }),
        this.vmsApi.list({ pageSize: MAX_VMS, sort: 'name:asc' }),
      ]);
      this.nodes.set(nodes.items);
      this.networks.set(networks.items);
      this.vms.set(vms.items);
      this.vmTotal.set(vms.total);
    } finally {
      this.loading.set(false);
    }
  }

  protected stateLabel(state: string): string {
    return this.i18n.lookup(`state.${state}`) ?? state;
  }

  private async draw(): Promise<void> {
    const chart = await this.ensureChart();
    if (!chart) return;
    const topology = this.topology();
    const text = getComputedStyle(this.host.nativeElement).color || '#888';
    const manyVms = topology.counts.vms > 150;
    const categories = [
      { name: this.i18n.t('network.topo.nodes'), itemStyle: { color: NODE_COLORS['online']! } },
      { name: this.i18n.t('network.topo.bridges'), itemStyle: { color: BRIDGE_COLOR } },
      { name: this.i18n.t('network.topo.vms'), itemStyle: { color: VM_COLORS['running']! } },
    ];
    const option: Option = {
      tooltip: {
        formatter: (params) => {
          const p = params as unknown as { dataType?: string; data?: GraphItem };
          if (p.dataType !== 'node' || !p.data) return '';
          const detail = p.data.detail ? `<br/>${escapeHtml(this.stateLabel(p.data.detail))}` : '';
          return `${escapeHtml(p.data.name)}${detail}`;
        },
      },
      legend: [{ data: categories.map((c) => c.name), textStyle: { color: text }, top: 8 }],
      series: [
        {
          id: 'topology',
          type: 'graph',
          layout: 'force',
          roam: true,
          draggable: true,
          categories,
          data: topology.items.map((item) => ({
            ...item,
            label: { show: item.category !== 2 || !manyVms },
          })),
          links: topology.links,
          label: { position: 'right', color: text, fontSize: 11 },
          labelLayout: { hideOverlap: true },
          lineStyle: { color: 'source', opacity: 0.55, width: 1.2 },
          emphasis: { focus: 'adjacency', lineStyle: { width: 2.5 } },
          force: {
            initLayout: 'circular',
            repulsion: manyVms ? 60 : 180,
            edgeLength: manyVms ? [20, 50] : [50, 110],
            gravity: 0.08,
            layoutAnimation: true,
          },
        },
      ],
    };
    chart.setOption(option);
    this.ready.set(true);
  }

  /** Creates the chart the first time there is something to draw (loading ECharts then). */
  private async ensureChart(): Promise<ECharts | null> {
    if (this.chart) return this.chart;
    const { echarts } = await import('./echarts');
    if (this.destroyed || this.chart) return this.chart;
    const box = this.chartBox().nativeElement;
    const chart = echarts.init(box, null, { renderer: 'canvas' });
    chart.on('click', (params) => {
      const route = (params.data as GraphItem | undefined)?.route;
      if (params.dataType === 'node' && route) void this.router.navigateByUrl(route);
    });
    this.resize = new ResizeObserver(() => chart.resize());
    this.resize.observe(box);
    this.chart = chart;
    return chart;
  }
}

/** A VM event applied to the drawn list: replaced, removed, or added while under the cap. */
function applyVm(list: Vm[], id: string, data: Vm | { id: string; deleted: true }, cap: number): Vm[] {
  if (isDeleted(data)) return list.filter((vm) => vm.id !== id);
  const at = list.findIndex((vm) => vm.id === id);
  if (at >= 0) return list.map((vm, i) => (i === at ? data : vm));
  return list.length < cap ? [...list, data] : list;
}

function applyNode(list: Node[], id: string, data: Node | { id: string; deleted: true }): Node[] {
  if (isDeleted(data)) return list.filter((n) => n.id !== id);
  const at = list.findIndex((n) => n.id === id);
  return at >= 0 ? list.map((n, i) => (i === at ? data : n)) : [...list, data];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
