import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Router } from '@angular/router';
import { isDeleted } from '@paddock/protocol/api/events';
import type { Snapshot } from '@paddock/protocol/api/snapshots';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Vm } from '@paddock/protocol/api/vms';
import { Subject } from 'rxjs';
import { HttpContext } from '@angular/common/http';
import { SILENT_ERRORS } from '../../../core/http/request-flags';
import { TasksApi } from '../../../core/api/tasks.api';
import { VmsApi } from '../../../core/api/vms.api';
import { LiveEvents } from '../../../core/live/live-events.service';
import { LiveStamps } from '../../../core/live/live-stamps';

const ACTIVE = new Set(['queued', 'running']);
const TASK_PAGE = 20;

/** True while a task may still change something. */
export const isActive = (task: Pick<Task, 'status'>) => ACTIVE.has(task.status);

/**
 * One VM's page state: the VM, its recent tasks and its snapshots, kept current from the live
 * stream. Provided by the VM view, so it lives exactly as long as the page of one VM; every tab
 * reads the same signals instead of loading (and subscribing) on its own.
 */
@Injectable()
export class VmDetailStore {
  private readonly vms = inject(VmsApi);
  private readonly tasksApi = inject(TasksApi);
  private readonly live = inject(LiveEvents);
  private readonly router = inject(Router);
  private readonly destroyRef = inject(DestroyRef);
  private id = '';
  private readonly taskStamps = new LiveStamps();

  readonly vm = signal<Vm | null>(null);
  readonly loadError = signal<string | null>(null);
  readonly deleted = signal(false);
  readonly tasks = signal<Task[]>([]);
  readonly snapshots = signal<Snapshot[] | null>(null);
  /** The newest task of this VM that is still queued or running (shown with its progress). */
  readonly runningTask = computed(() => this.tasks().find(isActive) ?? null);
  /** A task of this VM reached its end (succeeded, failed or cancelled). */
  readonly taskFinished$ = new Subject<Task>();

  /** Loads the VM `id` and follows it until the view is destroyed. */
  start(id: string): void {
    this.id = id;
    void this.reload();
    this.live
      .on('vm', id)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((event) => {
        if (isDeleted(event.data)) {
          this.deleted.set(true);
          return;
        }
        const before = this.vm();
        this.vm.set(event.data);
        // A status change usually comes from a task: one started elsewhere shows up here.
        if (before && before.status !== event.data.status) void this.loadTasks();
      });
    this.live
      .on('task')
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((event) => {
        const known = this.tasks().find((t) => t.id === event.id);
        if (!known) return;
        const { message: _m, cancelRequested: _c, ...delta } = event.data;
        const next = { ...known, ...delta } as Task;
        this.taskStamps.touch(next.id);
        this.tasks.update((list) => list.map((t) => (t.id === next.id ? next : t)));
        if (isActive(known) && !isActive(next)) this.finished(next);
      });
    this.live.resync$.pipe(takeUntilDestroyed(this.destroyRef)).subscribe(() => void this.reload());
  }

  async reload(): Promise<void> {
    try {
      // The page shows a missing VM itself; no error notification on top.
      const loaded = await this.vms.get(this.id, { context: silent() });
      // A live event may have arrived while this answer was on its way (a clone's task ends within
      // milliseconds of the page opening): never let an older row replace a newer one.
      const current = this.vm();
      if (!current || current.id !== loaded.id || loaded.updatedAt >= current.updatedAt) this.vm.set(loaded);
      this.loadError.set(null);
    } catch (error) {
      this.loadError.set(error instanceof Error ? error.message : String(error));
      return;
    }
    await Promise.all([this.loadTasks(), this.snapshots() ? this.loadSnapshots() : undefined]);
  }

  async loadTasks(): Promise<void> {
    const mark = this.taskStamps.mark();
    const page = await this.tasksApi.list({ targetId: this.id, sort: 'createdAt:desc', pageSize: TASK_PAGE });
    const before = new Map(this.tasks().map((t) => [t.id, t]));
    const merged = this.taskStamps.merge(mark, page.items, this.tasks());
    this.tasks.set(merged);
    for (const task of merged) {
      const old = before.get(task.id);
      if (old && isActive(old) && !isActive(task)) this.finished(task);
    }
  }

  async loadSnapshots(): Promise<void> {
    this.snapshots.set(await this.vms.snapshots(this.id));
  }

  /** A task this page just started: shown at once, followed through the live stream. */
  track(task: Task): void {
    this.tasks.update((list) => [task, ...list.filter((t) => t.id !== task.id)].slice(0, TASK_PAGE));
    // The task may have finished before its first event reached us.
    setTimeout(() => {
      const current = this.tasks().find((t) => t.id === task.id);
      if (current && isActive(current)) void this.refreshTask(task.id);
    }, 3000);
  }

  /** Leaves the page of a VM that is gone. */
  leave(): void {
    void this.router.navigate(['/vms']);
  }

  private async refreshTask(id: string): Promise<void> {
    const mark = this.taskStamps.mark();
    const fresh = await this.tasksApi.get(id);
    if (this.taskStamps.changedSince(id, mark)) return;
    const { events: _e, ...task } = fresh;
    const known = this.tasks().find((t) => t.id === id);
    this.tasks.update((list) => list.map((t) => (t.id === id ? task : t)));
    if (known && isActive(known) && !isActive(task)) this.finished(task);
  }

  private finished(task: Task): void {
    this.taskFinished$.next(task);
    if (task.type.startsWith('vm.snapshot') && this.snapshots()) void this.loadSnapshots();
    if (task.type === 'vm.delete') return;
    // The VM row may have changed without an event reaching us (e.g. a failed redefine).
    void this.vms.get(this.id, { context: silent() }).then(
      (vm) => this.vm.set(vm),
      () => undefined,
    );
  }
}

const silent = () => new HttpContext().set(SILENT_ERRORS, true);
