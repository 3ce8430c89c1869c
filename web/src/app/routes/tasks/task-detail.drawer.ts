import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { TaskDetail, TaskEvent } from '@paddock/protocol/api/tasks';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzDrawerModule } from 'ng-zorro-antd/drawer';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzPopconfirmModule } from 'ng-zorro-antd/popconfirm';
import { NzProgressModule } from 'ng-zorro-antd/progress';
import { NzSpinModule } from 'ng-zorro-antd/spin';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { TasksApi } from '../../core/api/tasks.api';
import { I18nService } from '../../core/i18n/i18n.service';
import { LiveEvents } from '../../core/live/live-events.service';
import { CanDirective } from '../../shared/can.directive';
import { WhenPipe } from '../../shared/format.pipes';
import { StateTagComponent } from '../../shared/state-tag.component';
import { TranslatePipe } from '../../shared/translate.pipe';
import { TaskActions } from './task-actions';
import { applyDelta, isActive, isWholeTask, prettyJson } from './task-live';
import { TaskTypePipe } from './task-type.pipe';

const LEVEL_COLOURS: Record<string, string> = { info: 'blue', warn: 'orange', error: 'red' };

/**
 * One task in a drawer: its facts, error or result, and its event log, which grows live from the
 * task's progress lines; a state change reloads the log (the worker logs it without a line).
 */
@Component({
  selector: 'pd-task-detail-drawer',
  imports: [
    CanDirective,
    NzAlertModule,
    NzButtonModule,
    NzDescriptionsModule,
    NzDrawerModule,
    NzIconModule,
    NzPopconfirmModule,
    NzProgressModule,
    NzSpinModule,
    NzTagModule,
    RouterLink,
    StateTagComponent,
    TaskTypePipe,
    TranslatePipe,
    WhenPipe,
  ],
  templateUrl: './task-detail.drawer.html',
  styles: `
    .raw-type {
      margin-left: 8px;
    }
    .actions {
      display: flex;
      gap: 8px;
      margin: 16px 0;
    }
    pre {
      max-height: 240px;
      overflow: auto;
      margin: 0;
      white-space: pre-wrap;
      word-break: break-word;
    }
    h2 {
      margin: 24px 0 8px;
      font-size: 16px;
    }
    .log {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .log li {
      display: grid;
      grid-template-columns: auto auto 1fr auto;
      gap: 8px;
      align-items: baseline;
      padding: 6px 0;
      border-bottom: 1px solid rgba(128, 128, 128, 0.2);
    }
    .log time {
      white-space: nowrap;
      opacity: 0.8;
      font-variant-numeric: tabular-nums;
    }
    .log .message {
      word-break: break-word;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TaskDetailDrawer {
  private readonly api = inject(TasksApi);
  private readonly actions = inject(TaskActions);
  private readonly i18n = inject(I18nService);
  readonly taskId = input<string | null>(null);
  readonly closed = output<void>();

  protected readonly task = signal<TaskDetail | null>(null);
  protected readonly missing = signal(false);
  protected readonly busy = signal(false);
  protected readonly width = computed(() => (window.innerWidth < 720 ? '100%' : 640));
  protected readonly error = computed(() => this.task()?.error ?? null);
  protected readonly result = computed(() => prettyJson(this.task()?.result));
  protected readonly canCancel = computed(() => isActive(this.task()?.status ?? 'succeeded'));
  protected readonly canRetry = computed(() => ['failed', 'cancelled'].includes(this.task()?.status ?? ''));
  protected readonly levelColour = (level: string) => LEVEL_COLOURS[level] ?? 'default';
  protected readonly levelLabel = (level: string) => this.i18n.lookup(`tasks.level.${level}`) ?? level;
  // Lines appended live get negative ids so they never collide with the log's own.
  private liveLine = -1;
  private loadSeq = 0;

  constructor() {
    effect(() => {
      const id = this.taskId();
      untracked(() => {
        this.task.set(null);
        this.missing.set(false);
        if (id) void this.load(id);
      });
    });
    const live = inject(LiveEvents);
    live
      .on('task')
      .pipe(takeUntilDestroyed())
      .subscribe((event) => {
        const current = this.task();
        if (!current || event.id !== current.id) return;
        const statusChanged = event.data.status !== undefined && event.data.status !== current.status;
        const next = applyDelta(current, event.data);
        if (event.data.message) {
          const line: TaskEvent = {
            id: this.liveLine--,
            level: 'info',
            message: event.data.message,
            progress: event.data.progress ?? null,
            data: null,
            at: event.time,
          };
          next.events = [...current.events, line];
        }
        this.task.set(next);
        if (statusChanged || isWholeTask(event.data)) void this.load(current.id);
      });
    live.resync$.pipe(takeUntilDestroyed()).subscribe(() => {
      const id = this.taskId();
      if (id) void this.load(id);
    });
  }

  private async load(id: string): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const detail = await this.api.get(id);
      if (seq === this.loadSeq && this.taskId() === id) this.task.set(detail);
    } catch {
      if (seq === this.loadSeq && this.taskId() === id) this.missing.set(true);
    }
  }

  protected async cancel(): Promise<void> {
    const task = this.task();
    if (!task) return;
    this.busy.set(true);
    const updated = await this.actions.cancel(task);
    this.busy.set(false);
    if (updated) await this.load(task.id);
  }

  protected async retry(): Promise<void> {
    const task = this.task();
    if (!task) return;
    this.busy.set(true);
    const updated = await this.actions.retry(task);
    this.busy.set(false);
    if (updated) await this.load(task.id);
  }

  protected json(value: unknown): string {
    return JSON.stringify(value);
  }
}
