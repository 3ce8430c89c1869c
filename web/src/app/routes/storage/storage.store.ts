import { HttpContext } from '@angular/common/http';
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Node } from '@paddock/protocol/api/nodes';
import type { Pool, Volume } from '@paddock/protocol/api/storage';
import type { Task } from '@paddock/protocol/api/tasks';
import { Subject, debounceTime, takeWhile } from 'rxjs';
import { NodesApi } from '../../core/api/nodes.api';
import { StorageApi, type VolumeListParams } from '../../core/api/storage.api';
import { TasksApi } from '../../core/api/tasks.api';
import { VmsApi } from '../../core/api/vms.api';
import { Permissions } from '../../core/auth/permissions';
import { SILENT_ERRORS } from '../../core/http/request-flags';
import { LiveEvents } from '../../core/live/live-events.service';

/** A task this page started or saw, shown as a progress bar on its pool or volume row. */
export interface RunningTask {
  taskId: string;
  status: Task['status'];
  progress: number;
  message?: string;
}

export interface VolumeFilters {
  poolId?: string;
  format?: string;
  status?: string;
}

const TERMINAL: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);
const TRANSITIONAL: ReadonlySet<string> = new Set(['pending', 'deleting', 'uploading']);
/** Pools and nodes are few; one page of the API's maximum holds them all. */
const ALL = 500;

/**
 * State of the storage page, shared by its tabs and dialogs: pools, one page of volumes, the
 * names of nodes and of VMs using volumes, and the tasks running on any of them. Provided by the
 * page, so it lives as long as the page does.
 *
 * Pools and volumes have no live events of their own: their tasks do. A task this page started is
 * followed by id and its object reloaded when it ends; a task ending elsewhere reloads the lists
 * when something on them is still in a transitional state. A reconnection reloads everything.
 */
@Injectable()
export class StorageStore {
  private readonly storage = inject(StorageApi);
  private readonly nodesApi = inject(NodesApi);
  private readonly vmsApi = inject(VmsApi);
  private readonly tasksApi = inject(TasksApi);
  private readonly permissions = inject(Permissions);
  private readonly live = inject(LiveEvents);
  private readonly destroyRef = inject(DestroyRef);
  private readonly reloadSoon = new Subject<void>();
  /** Tasks followed by id (their end reloads one object, not the lists). */
  private readonly followed = new Set<string>();
  /** A 404 after a delete is the expected answer, not an error to announce. */
  private readonly quiet = { context: new HttpContext().set(SILENT_ERRORS, true) };

  readonly pools = signal<Pool[]>([]);
  readonly poolsTotal = signal(0);
  readonly poolsLoading = signal(false);
  readonly nodes = signal<Node[]>([]);

  readonly volumes = signal<Volume[]>([]);
  readonly volumesTotal = signal(0);
  readonly volumesLoading = signal(false);
  readonly volumePage = signal(1);
  readonly volumePageSize = signal(20);
  readonly volumeFilters = signal<VolumeFilters>({});

  /** Running tasks by the id of the pool or volume they work on. */
  readonly tasks = signal<Record<string, RunningTask>>({});
  /** VM names by id, for "used by". */
  readonly vmNames = signal<Record<string, string>>({});

  readonly nodeNames = computed(() => Object.fromEntries(this.nodes().map((n) => [n.id, n.hostname])));
  readonly poolNames = computed(() => Object.fromEntries(this.pools().map((p) => [p.id, p.name])));
  readonly activePools = computed(() => this.pools().filter((p) => p.status === 'active'));

  constructor() {
    this.live.resync$.pipe(takeUntilDestroyed(this.destroyRef)).subscribe(() => this.reloadAll());
    this.live
      .on('task')
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((event) => {
        const ended = event.data.status && TERMINAL.has(event.data.status);
        if (!ended || this.followed.has(event.id)) return;
        const busy = [...this.pools(), ...this.volumes()].some((o) => TRANSITIONAL.has(o.status));
        if (busy) this.reloadSoon.next();
      });
    this.reloadSoon
      .pipe(debounceTime(300), takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.reloadAll());
  }

  reloadAll(): void {
    void this.loadPools();
    void this.loadVolumes();
  }

  async loadNodes(): Promise<void> {
    this.nodes.set((await this.nodesApi.list({ pageSize: ALL, sort: 'hostname:asc' })).items);
  }

  async loadPools(): Promise<void> {
    this.poolsLoading.set(true);
    try {
      const page = await this.storage.pools({ pageSize: ALL, sort: 'name:asc' });
      this.pools.set(page.items);
      this.poolsTotal.set(page.total);
    } finally {
      this.poolsLoading.set(false);
    }
  }

  async loadVolumes(): Promise<void> {
    this.volumesLoading.set(true);
    try {
      const params: VolumeListParams = {
        ...this.volumeFilters(),
        page: this.volumePage(),
        pageSize: this.volumePageSize(),
        sort: 'name:asc',
      };
      const page = await this.storage.volumes(params);
      this.volumes.set(page.items);
      this.volumesTotal.set(page.total);
      void this.loadVmNames(page.items);
    } finally {
      this.volumesLoading.set(false);
    }
  }

  setVolumeFilters(filters: VolumeFilters): void {
    this.volumeFilters.set(filters);
    this.volumePage.set(1);
    void this.loadVolumes();
  }

  setVolumePage(page: number, pageSize: number): void {
    this.volumePage.set(page);
    this.volumePageSize.set(pageSize);
    void this.loadVolumes();
  }

  /** A pool or volume was just created or deleted by `task`: show it and follow the task. */
  follow(kind: 'pool' | 'volume', targetId: string, task: Task): void {
    this.followed.add(task.id);
    this.setTask(targetId, { taskId: task.id, status: task.status, progress: task.progress });
    const finish = () => {
      this.followed.delete(task.id);
      this.clearTask(targetId);
      void (kind === 'pool' ? this.refreshPool(targetId) : this.refreshVolume(targetId));
    };
    let ended = false;
    this.live
      .on('task', task.id)
      .pipe(
        takeWhile(() => !ended),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((event) => {
        const { status, progress, message } = event.data;
        this.setTask(targetId, {
          taskId: task.id,
          status: status ?? this.tasks()[targetId]?.status ?? 'running',
          progress: progress ?? this.tasks()[targetId]?.progress ?? 0,
          message,
        });
        if (status && TERMINAL.has(status) && !ended) {
          ended = true;
          finish();
        }
      });
    // The task may have ended before the subscription began: ask once.
    if (this.permissions.can('tasks:read')) {
      void this.tasksApi.get(task.id).then((current) => {
        if (TERMINAL.has(current.status) && !ended) {
          ended = true;
          finish();
        }
      });
    } else {
      // Without tasks:read no task event arrives; look at the object once it has had time.
      setTimeout(() => {
        if (!ended) finish();
      }, 3000);
    }
  }

  /** Adds or replaces a volume on the current page (e.g. an upload that just finished). */
  upsertVolume(volume: Volume): void {
    this.volumes.update((list) =>
      list.some((v) => v.id === volume.id)
        ? list.map((v) => (v.id === volume.id ? volume : v))
        : [...list, volume].sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  upsertPool(pool: Pool): void {
    this.pools.update((list) =>
      list.some((p) => p.id === pool.id)
        ? list.map((p) => (p.id === pool.id ? pool : p))
        : [...list, pool].sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  markPool(id: string, status: string): void {
    this.pools.update((list) => list.map((p) => (p.id === id ? { ...p, status } : p)));
  }

  markVolume(id: string, status: string): void {
    this.volumes.update((list) => list.map((v) => (v.id === id ? { ...v, status } : v)));
  }

  private async refreshPool(id: string): Promise<void> {
    const pool = await this.storage.pool(id, this.quiet).catch(() => null);
    if (pool) this.upsertPool(pool);
    else this.pools.update((list) => list.filter((p) => p.id !== id));
  }

  private async refreshVolume(id: string): Promise<void> {
    const volume = await this.storage.volume(id, this.quiet).catch(() => null);
    if (volume) this.volumes.update((list) => list.map((v) => (v.id === id ? volume : v)));
    else this.volumes.update((list) => list.filter((v) => v.id !== id));
    // Pool usage changes with its volumes.
    void this.loadPools();
  }

  private setTask(targetId: string, task: RunningTask): void {
    this.tasks.update((all) => ({ ...all, [targetId]: task }));
  }

  private clearTask(targetId: string): void {
    this.tasks.update(({ [targetId]: _, ...rest }) => rest);
  }

  /** Names of the VMs the shown volumes are attached to (one GET per VM not yet known). */
  private async loadVmNames(volumes: Volume[]): Promise<void> {
    const known = this.vmNames();
    const wanted = [...new Set(volumes.map((v) => v.vmId).filter((id): id is string => !!id && !known[id]))];
    if (wanted.length === 0 || !this.permissions.can('vms:read')) return;
    const found = await Promise.all(wanted.map((id) => this.vmsApi.get(id).catch(() => null)));
    const names: Record<string, string> = {};
    for (const vm of found) if (vm) names[vm.id] = vm.name;
    this.vmNames.update((all) => ({ ...all, ...names }));
  }
}
