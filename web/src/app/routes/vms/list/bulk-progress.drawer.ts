import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { TaskDelta } from '@paddock/protocol/api/events';
import type { Task } from '@paddock/protocol/api/tasks';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzDrawerModule } from 'ng-zorro-antd/drawer';
import { NzProgressModule } from 'ng-zorro-antd/progress';
import { NzTableModule } from 'ng-zorro-antd/table';
import { TasksApi } from '../../../core/api/tasks.api';
import type { MessageKey } from '../../../core/i18n/dictionaries/en';
import { I18nService } from '../../../core/i18n/i18n.service';
import { LiveEvents } from '../../../core/live/live-events.service';
import { StateTagComponent } from '../../../shared/state-tag.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import type { ListAction } from './vm-actions';

/**
 * One bulk action to follow: a power action is a parent task (`POST /api/vms/bulk`) whose children
 * appear as its handler queues them; a delete is one task per VM (the API has no bulk delete).
 */
export interface BulkJob {
  action: ListAction;
  parentId: string | null;
  /** Tasks already known (the per-VM deletes). */
  tasks: Task[];
  /** VM id → name, to label the children (their target is the VM). */
  names: Record<string, string>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
// Children are queued by the parent's handler without an event of their own: an unknown task's
// first delta (it started) triggers one reload of the children, gathered over this window.
const RELOAD_DELAY_MS = 200;
// A bulk action takes at most 1000 VMs (the API's limit); two pages of 500 cover it.
const CHILD_PAGE = 500;

/** The parent task and its children with live progress, in a side drawer. */
@Component({
  selector: 'pd-bulk-progress-drawer',
  imports: [NzAlertModule, NzDrawerModule, NzProgressModule, NzTableModule, StateTagComponent, TranslatePipe],
  template: `
    <nz-drawer
      [nzVisible]="!!job()"
      [nzTitle]="title()"
      [nzWidth]="560"
      nzWrapClassName="pd-bulk-drawer"
      (nzOnClose)="closed.emit()"
    >
      <ng-container *nzDrawerContent>
        <div id="bulk-panel" [attr.data-done]="done()">
          @if (parent(); as p) {
            <section class="parent" id="bulk-parent" [attr.data-status]="p.status">
              <h3>{{ 'vms.bulk.parent' | t }}</h3>
              <div class="parent-line">
                <pd-state-tag [state]="p.status" />
                <nz-progress [nzPercent]="p.progress" [nzStatus]="progressStatus(p)" nzSize="small" />
              </div>
              @if (summary(); as s) {
                <p id="bulk-summary">{{ s }}</p>
              }
            </section>
          }
          @for (line of refusals(); track line) {
            <nz-alert nzType="warning" [nzMessage]="line" class="refusal" />
          }
          <h3>{{ 'vms.bulk.children' | t }}</h3>
          @if (children().length === 0) {
            <p id="bulk-waiting">{{ 'vms.bulk.waiting' | t }}</p>
          } @else {
            <nz-table #table [nzData]="children()" [nzFrontPagination]="false" [nzShowPagination]="false" nzSize="small">
              <thead>
                <tr>
                  <th scope="col">{{ 'vms.bulk.vm' | t }}</th>
                  <th scope="col">{{ 'common.status' | t }}</th>
                  <th scope="col">{{ 'vms.bulk.progress' | t }}</th>
                </tr>
              </thead>
              <tbody>
                @for (task of table.data; track task.id) {
                  <tr [id]="'bulk-task-' + nameOf(task)" [attr.data-status]="task.status">
                    <td>{{ nameOf(task) }}</td>
                    <td><pd-state-tag [state]="task.status" /></td>
                    <td>
                      <nz-progress [nzPercent]="task.progress" [nzStatus]="progressStatus(task)" nzSize="small" />
                      @if (task.error) {
                        <div class="error">{{ task.error.message }}</div>
                      }
                    </td>
                  </tr>
                }
              </tbody>
            </nz-table>
          }
        </div>
      </ng-container>
    </nz-drawer>
  `,
  styles: `
    h3 {
      font-size: 14px;
      font-weight: 600;
      margin: 16px 0 8px;
    }
    .parent h3 {
      margin-top: 0;
    }
    .parent-line {
      display: flex;
      align-items: center;
      gap: 12px;
    }
    .parent-line nz-progress {
      flex: 1;
    }
    .refusal {
      margin-top: 8px;
    }
    .error {
      color: #cf1322;
      font-size: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BulkProgressDrawer {
  private readonly tasks = inject(TasksApi);
  private readonly live = inject(LiveEvents);
  private readonly i18n = inject(I18nService);

  readonly job = input<BulkJob | null>(null);
  readonly closed = output<void>();

  protected readonly parent = signal<Task | null>(null);
  protected readonly children = signal<Task[]>([]);
  protected readonly refusals = signal<string[]>([]);
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  protected readonly title = computed(() => {
    const job = this.job();
    if (!job) return '';
    if (job.action === 'delete')
      return this.i18n.t('vms.bulk.deleteTitle', { count: Object.keys(job.names).length });
    return this.i18n.t('vms.bulk.title', { action: this.i18n.t(`vms.action.${job.action}` as MessageKey) });
  });

  protected readonly done = computed(() => {
    const parent = this.parent();
    if (parent) return TERMINAL.has(parent.status);
    const children = this.children();
    return children.length > 0 && children.every((c) => TERMINAL.has(c.status));
  });

  protected readonly summary = computed(() => {
    if (!this.done()) return null;
    const children = this.children();
    const succeeded = children.filter((c) => c.status === 'succeeded').length;
    return this.i18n.t('vms.bulk.done', { succeeded, failed: children.length - succeeded });
  });

  constructor() {
    effect(() => {
      const job = this.job();
      untracked(() => this.start(job));
    });
    this.live
      .on('task')
      .pipe(takeUntilDestroyed())
      .subscribe((event) => this.apply(event.id, event.data));
    this.live.resync$.pipe(takeUntilDestroyed()).subscribe(() => this.reload());
    inject(DestroyRef).onDestroy(() => clearTimeout(this.reloadTimer));
  }

  protected nameOf(task: Task): string {
    const job = this.job();
    return (task.targetId && job?.names[task.targetId]) || task.targetId || task.id.slice(0, 8);
  }

  protected progressStatus(task: Task): 'success' | 'exception' | 'active' | 'normal' {
    if (task.status === 'succeeded') return 'success';
    if (task.status === 'failed' || task.status === 'cancelled') return 'exception';
    return task.status === 'running' ? 'active' : 'normal';
  }

  private start(job: BulkJob | null): void {
    this.generation++;
    clearTimeout(this.reloadTimer);
    this.parent.set(null);
    this.refusals.set([]);
    this.children.set(job?.tasks ?? []);
    if (job) this.reload();
  }

  private apply(id: string, delta: TaskDelta): void {
    const job = this.job();
    if (!job) return;
    const { message: _message, cancelRequested: _c, ...changes } = delta;
    const parent = this.parent();
    if (parent && parent.id === id) {
      const next = { ...parent, ...changes };
      this.parent.set(next);
      // Its last word may carry refusals and the children's final states: read them once.
      if (TERMINAL.has(next.status)) this.scheduleReload();
      return;
    }
    const children = this.children();
    const index = children.findIndex((c) => c.id === id);
    if (index >= 0) {
      const next = [...children];
      next[index] = { ...children[index]!, ...changes };
      this.children.set(next);
    } else if (job.parentId && !this.done()) {
      this.scheduleReload();
    }
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.reload(), RELOAD_DELAY_MS);
  }

  private async reload(): Promise<void> {
    const job = this.job();
    if (!job) return;
    const generation = this.generation;
    if (job.parentId) {
      const [parent, page, page2] = await Promise.all([
        this.tasks.get(job.parentId),
        this.tasks.list({ parentId: job.parentId, pageSize: CHILD_PAGE, sort: 'createdAt:asc' }),
        Object.keys(job.names).length > CHILD_PAGE
          ? this.tasks.list({ parentId: job.parentId, pageSize: CHILD_PAGE, page: 2, sort: 'createdAt:asc' })
          : Promise.resolve(null),
      ]);
      if (generation !== this.generation) return;
      const { events, ...task } = parent;
      this.parent.set(task);
      this.children.set([...page.items, ...(page2?.items ?? [])]);
      this.refusals.set(
        events.flatMap((e) => {
          const refused = (e.data?.['refused'] ?? []) as Array<{ vmId: string; reason: string }>;
          return refused.map((r) => `${job.names[r.vmId] ?? r.vmId}: ${r.reason}`);
        }),
      );
    } else {
      const fresh = await Promise.all(
        job.tasks.map((t) => this.tasks.get(t.id).then(({ events: _e, ...task }) => task)),
      );
      if (generation !== this.generation) return;
      this.children.set(fresh);
    }
  }
}
