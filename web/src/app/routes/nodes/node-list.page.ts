import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { isDeleted } from '@paddock/protocol/api/events';
import type { Node } from '@paddock/protocol/api/nodes';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { type NzTableQueryParams, NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NzTooltipModule } from 'ng-zorro-antd/tooltip';
import { Subject, auditTime, debounceTime, merge } from 'rxjs';
import { type NodeListParams, NodesApi } from '../../core/api/nodes.api';
import type { MessageKey } from '../../core/i18n/dictionaries/en';
import { LiveEvents } from '../../core/live/live-events.service';
import { CanDirective } from '../../shared/can.directive';
import { BytesPipe } from '../../shared/format.pipes';
import { PageHeaderComponent } from '../../shared/page-header.component';
import { StateTagComponent } from '../../shared/state-tag.component';
import { TranslatePipe } from '../../shared/translate.pipe';
import { AddNodeDialog } from './add-node.dialog';
import { UsageBarComponent } from './usage-bar.component';

type Status = NonNullable<NodeListParams['status']>;
const STATUSES: Status[] = ['online', 'offline', 'maintenance'];
/** A node created this recently that is not on the page is probably new: show it. */
const NEW_NODE_MS = 10 * 60_000;

/** Hypervisor hosts: server-side paged, sorted and filtered; rows follow live node events. */
@Component({
  selector: 'pd-node-list-page',
  imports: [
    AddNodeDialog,
    BytesPipe,
    CanDirective,
    FormsModule,
    NzButtonModule,
    NzIconModule,
    NzInputModule,
    NzSelectModule,
    NzTableModule,
    NzTagModule,
    NzTooltipModule,
    PageHeaderComponent,
    RouterLink,
    StateTagComponent,
    TranslatePipe,
    UsageBarComponent,
  ],
  templateUrl: './node-list.page.html',
  styles: `
    .sr-only {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      margin-bottom: 16px;
    }
    .filters nz-select {
      width: 180px;
    }
    .filters .search {
      width: 280px;
      max-width: 100%;
    }
    .sub {
      font-size: 12px;
      opacity: 0.75;
    }
    .labels nz-tag {
      margin-bottom: 2px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NodeListPage {
  private readonly api = inject(NodesApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly statuses = STATUSES.map((value) => ({ value, label: `state.${value}` as MessageKey }));
  protected readonly items = signal<Node[]>([]);
  protected readonly total = signal(0);
  protected readonly loading = signal(false);
  protected readonly page = signal(1);
  protected readonly pageSize = signal(20);
  protected readonly sort = signal<string | undefined>(undefined);
  protected readonly status = signal<Status | null>(null);
  protected readonly q = signal('');
  protected readonly addOpen = signal(false);

  private readonly reloadSoon = new Subject<void>();
  private readonly searchTyped = new Subject<string>();
  private loadSeq = 0;
  /** Last known status per node, to tell which events of off-page nodes matter. */
  private readonly seen = new Map<string, string>();

  constructor() {
    const query = this.route.snapshot.queryParamMap;
    const status = query.get('status') as Status | null;
    if (status && STATUSES.includes(status)) this.status.set(status);
    this.q.set(query.get('q') ?? '');

    const live = inject(LiveEvents);
    live
      .on('node')
      .pipe(takeUntilDestroyed())
      .subscribe((event) => this.apply(event.id, event.data));
    merge(this.reloadSoon, live.resync$)
      .pipe(auditTime(1_000), takeUntilDestroyed())
      .subscribe(() => void this.load());
    this.searchTyped.pipe(debounceTime(300), takeUntilDestroyed()).subscribe((q) => {
      this.q.set(q);
      this.page.set(1);
      this.syncUrl();
      void this.load();
    });
    void this.load();
  }

  /** nz-table tells page, size and sort changes here (also once at start). */
  protected onQueryParams(params: NzTableQueryParams): void {
    const sorted = params.sort.find((s) => s.value);
    const sort = sorted ? `${sorted.key}:${sorted.value === 'ascend' ? 'asc' : 'desc'}` : undefined;
    if (params.pageIndex === this.page() && params.pageSize === this.pageSize() && sort === this.sort())
      return;
    this.page.set(params.pageIndex);
    this.pageSize.set(params.pageSize);
    this.sort.set(sort);
    void this.load();
  }

  protected onStatus(status: Status | null): void {
    this.status.set(status);
    this.page.set(1);
    this.syncUrl();
    void this.load();
  }

  protected onSearch(q: string): void {
    this.searchTyped.next(q);
  }

  protected labelsOf(node: Node): Array<[string, string]> {
    return Object.entries(node.labels);
  }

  private async load(): Promise<void> {
    const seq = ++this.loadSeq;
    this.loading.set(true);
    try {
      const page = await this.api.list({
        page: this.page(),
        pageSize: this.pageSize(),
        sort: this.sort(),
        q: this.q().trim() || undefined,
        status: this.status() ?? undefined,
      });
      if (seq !== this.loadSeq) return;
      this.items.set(page.items);
      for (const n of page.items) this.seen.set(n.id, n.status);
      this.total.set(page.total);
    } finally {
      if (seq === this.loadSeq) this.loading.set(false);
    }
  }

  // A live node event: replace the row in place when it still belongs on this page. Events of
  // nodes on other pages (most of them, with many nodes) only reload the page when they can change
  // it: a node enrolled just now, or one whose status changed while a status filter is on.
  private apply(id: string, data: Node | { id: string; deleted: true }): void {
    const index = this.items().findIndex((n) => n.id === id);
    if (isDeleted(data)) {
      this.seen.delete(id);
      if (index >= 0) this.reloadSoon.next();
      return;
    }
    const before = this.seen.get(id);
    this.seen.set(id, data.status);
    const filter = this.status();
    if (index >= 0) {
      if (!filter || data.status === filter)
        this.items.update((items) => items.map((n) => (n.id === id ? data : n)));
      else this.reloadSoon.next();
      return;
    }
    const enrolledNow = Date.now() - Date.parse(data.createdAt) < NEW_NODE_MS;
    const statusChanged = before !== undefined && before !== data.status;
    if ((before === undefined && enrolledNow) || (filter && statusChanged)) this.reloadSoon.next();
  }

  private syncUrl(): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { status: this.status() || null, q: this.q().trim() || null },
      replaceUrl: true,
    });
  }
}
