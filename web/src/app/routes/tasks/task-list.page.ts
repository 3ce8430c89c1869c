import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NgTemplateOutlet } from '@angular/common';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { LiveEvent } from '@paddock/protocol/api/events';
import type { Task, TaskStatus } from '@paddock/protocol/api/tasks';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzPopconfirmModule } from 'ng-zorro-antd/popconfirm';
import { NzProgressModule } from 'ng-zorro-antd/progress';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTooltipModule } from 'ng-zorro-antd/tooltip';
import { TasksApi } from '../../core/api/tasks.api';
import { I18nService } from '../../core/i18n/i18n.service';
import { LiveEvents } from '../../core/live/live-events.service';
import { LiveStamps } from '../../core/live/live-stamps';
import { CanDirective } from '../../shared/can.directive';
import { WhenPipe } from '../../shared/format.pipes';
import { PageHeaderComponent } from '../../shared/page-header.component';
import { StateTagComponent } from '../../shared/state-tag.component';
import { TranslatePipe } from '../../shared/translate.pipe';
import { TaskActions } from './task-actions';
import { TaskDetailDrawer } from './task-detail.drawer';
import {
  applyDelta,
  isActive,
  isWholeTask,
  matchesFilters,
  onlyRoots,
  PARENT_TYPES,
  TASK_STATUSES,
  type TaskFilters,
} from './task-live';
import { TaskTypePipe } from './task-type.pipe';

type FilterName = keyof TaskFilters;

/**
 * The job centre: every task, newest first, kept current by the live stream (new tasks appear at
 * the top, progress and states move; nothing polls). Filters and the open task live in the URL
 * so a link (`/tasks?status=failed`, `/tasks?id=<task>`) shows the same view.
 */
@Component({
  selector: 'pd-task-list-page',
  imports: [
    CanDirective,
    FormsModule,
    NgTemplateOutlet,
    NzButtonModule,
    NzFormModule,
    NzIconModule,
    NzInputModule,
    NzPopconfirmModule,
    NzProgressModule,
    NzSelectModule,
    NzTableModule,
    NzTooltipModule,
    PageHeaderComponent,
    RouterLink,
    StateTagComponent,
    TaskDetailDrawer,
    TaskTypePipe,
    TranslatePipe,
    WhenPipe,
  ],
  providers: [TaskActions],
  templateUrl: './task-list.page.html',
  styleUrl: './task-list.page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TaskListPage {
  private readonly api = inject(TasksApi);
  private readonly actions = inject(TaskActions);
  private readonly router = inject(Router);
  private readonly i18n = inject(I18nService);
  private readonly query = toSignal(inject(ActivatedRoute).queryParamMap, { requireSync: true });

  protected readonly statuses = TASK_STATUSES;
  protected readonly filters = computed<TaskFilters>(() => {
    const q = this.query();
    const status = q.get('status') as TaskStatus | null;
    return {
      ...(status && TASK_STATUSES.includes(status) && { status }),
      ...(q.get('type') && { type: q.get('type')! }),
      ...(q.get('target') && { target: q.get('target')! }),
      ...(q.get('parent') && { parent: q.get('parent')! }),
    };
  });
  protected readonly openId = computed(() => this.query().get('id'));
  protected readonly filtered = computed(() => !onlyRoots(this.filters()));

  protected readonly rows = signal<Task[]>([]);
  protected readonly total = signal(0);
  protected readonly page = signal(1);
  protected readonly pageSize = signal(20);
  protected readonly loading = signal(false);
  protected readonly expanded = signal<ReadonlySet<string>>(new Set());
  protected readonly children = signal<ReadonlyMap<string, Task[]>>(new Map());
  /** Parents known to have children (seen live), besides the types that always queue some. */
  private readonly parents = signal<ReadonlySet<string>>(new Set());
  protected readonly busy = signal<string | null>(null);
  private loadSeq = 0;
  private readonly stamps = new LiveStamps();

  protected readonly isActive = isActive;
  protected readonly statusLabel = (status: TaskStatus) => this.i18n.lookup(`state.${status}`) ?? status;
  protected readonly canRetry = (task: Task) => task.status === 'failed' || task.status === 'cancelled';

  constructor() {
    effect(() => {
      this.filters();
      this.page();
      this.pageSize();
      untracked(() => void this.load());
    });
    const live = inject(LiveEvents);
    live
      .on('task')
      .pipe(takeUntilDestroyed())
      .subscribe((event) => this.apply(event));
    live.resync$.pipe(takeUntilDestroyed()).subscribe(() => {
      void this.load();
      for (const id of this.expanded()) void this.loadChildren(id);
    });
  }

  protected expandable(task: Task): boolean {
    return PARENT_TYPES.has(task.type) || this.parents().has(task.id);
  }

  protected async load(): Promise<void> {
    const filters = this.filters();
    const seq = ++this.loadSeq;
    const mark = this.stamps.mark();
    this.loading.set(true);
    try {
      const page = await this.api.list({
        page: this.page(),
        pageSize: this.pageSize(),
        status: filters.status,
        type: filters.type,
        targetId: filters.target,
        parentId: filters.parent,
        ...(onlyRoots(filters) && { root: true }),
      });
      if (seq !== this.loadSeq) return;
      this.rows.set(this.stamps.merge(mark, page.items, this.rows()));
      this.total.set(page.total);
    } catch {
      // The interceptor has said why.
    } finally {
      if (seq === this.loadSeq) this.loading.set(false);
    }
  }

  protected setFilter(name: FilterName, value: string | null | undefined): void {
    const trimmed = value?.trim() || null;
    this.page.set(1);
    void this.router.navigate([], { queryParams: { [name]: trimmed }, queryParamsHandling: 'merge' });
  }

  protected clearFilters(): void {
    this.page.set(1);
    void this.router.navigate([], { queryParams: {} });
  }

  protected open(task: Task): void {
    void this.router.navigate([], { queryParams: { id: task.id }, queryParamsHandling: 'merge' });
  }

  protected closeDrawer(): void {
    void this.router.navigate([], { queryParams: { id: null }, queryParamsHandling: 'merge' });
  }

  protected async toggle(task: Task, open: boolean): Promise<void> {
    const next = new Set(this.expanded());
    if (open) next.add(task.id);
    else next.delete(task.id);
    this.expanded.set(next);
    if (open) await this.loadChildren(task.id);
  }

  private async loadChildren(parentId: string): Promise<void> {
    try {
      const page = await this.api.list({ parentId, pageSize: 500, sort: 'createdAt:asc' });
      const next = new Map(this.children());
      next.set(parentId, page.items);
      this.setChildren(next);
    } catch {
      // Reported by the interceptor.
    }
  }

  protected async cancel(task: Task): Promise<void> {
    this.busy.set(task.id);
    const updated = await this.actions.cancel(task);
    this.busy.set(null);
    if (updated) this.replace(updated);
  }

  protected async retry(task: Task): Promise<void> {
    this.busy.set(task.id);
    const updated = await this.actions.retry(task);
    this.busy.set(null);
    if (updated) this.replace(updated);
  }

  private replace(task: Task): void {
    this.rows.update((rows) => rows.map((r) => (r.id === task.id ? task : r)));
    this.updateChildren((list) => list.map((r) => (r.id === task.id ? task : r)));
  }

  private updateChildren(fn: (list: Task[]) => Task[]): void {
    const next = new Map<string, Task[]>();
    for (const [id, list] of this.children()) next.set(id, fn(list));
    this.setChildren(next);
  }

  private setChildren(children: ReadonlyMap<string, Task[]>): void {
    this.children.set(children);
    // Child rows are drawn among nz-table's projected rows, which it refreshes when its data
    // changes; a changed child alone was drawn late (seen in e2e), so hand it new data too.
    this.rows.update((rows) => [...rows]);
  }

  /** One live event: update the row it names, or add a new task where it belongs. */
  private apply(event: Extract<LiveEvent, { kind: 'task' }>): void {
    const data = event.data;
    this.stamps.touch(event.id);
    const known = this.rows().some((r) => r.id === event.id);
    if (known) {
      this.rows.update((rows) => rows.map((r) => (r.id === event.id ? applyDelta(r, data) : r)));
    } else if (isWholeTask(data) && this.page() === 1 && matchesFilters(data, this.filters())) {
      const { message: _message, ...task } = data;
      const rows = [task, ...this.rows()]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, this.pageSize());
      this.rows.set(rows);
      this.total.update((n) => n + 1);
    }
    if (isWholeTask(data) && data.parentId) {
      const parentId = data.parentId;
      if (!this.parents().has(parentId)) this.parents.update((s) => new Set(s).add(parentId));
      const siblings = this.children().get(parentId);
      if (siblings && !siblings.some((c) => c.id === data.id)) {
        const { message: _message, ...task } = data;
        this.setChildren(new Map(this.children()).set(parentId, [...siblings, task]));
        return;
      }
    }
    this.updateChildren((list) =>
      list.some((c) => c.id === event.id)
        ? list.map((c) => (c.id === event.id ? applyDelta(c, data) : c))
        : list,
    );
  }

  protected progressStatus(task: Task): 'exception' | 'active' | 'success' | 'normal' {
    if (task.status === 'failed') return 'exception';
    if (task.status === 'running') return 'active';
    if (task.status === 'succeeded') return 'success';
    return 'normal';
  }
}
