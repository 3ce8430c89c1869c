import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { isDeleted } from '@paddock/protocol/api/events';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Vm } from '@paddock/protocol/api/vms';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzDropdownModule } from 'ng-zorro-antd/dropdown';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzMenuModule } from 'ng-zorro-antd/menu';
import { NzMessageService } from 'ng-zorro-antd/message';
import { NzModalService } from 'ng-zorro-antd/modal';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { Subject, debounceTime, map } from 'rxjs';
import { VmsApi } from '../../../core/api/vms.api';
import { Permissions } from '../../../core/auth/permissions';
import type { MessageKey } from '../../../core/i18n/dictionaries/en';
import { I18nService } from '../../../core/i18n/i18n.service';
import { LiveEvents } from '../../../core/live/live-events.service';
import { LiveStamps } from '../../../core/live/live-stamps';
import { CanDirective } from '../../../shared/can.directive';
import { BytesPipe, WhenPipe } from '../../../shared/format.pipes';
import { PageHeaderComponent } from '../../../shared/page-header.component';
import { StateTagComponent } from '../../../shared/state-tag.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { type BulkJob, BulkProgressDrawer } from './bulk-progress.drawer';
import {
  ConfirmActionDialog,
  type ConfirmActionData,
  type ConfirmActionResult,
} from './confirm-action.dialog';
import { NodeNamesStore } from './node-names.store';
import { DESTRUCTIVE, LIST_ACTIONS, type ListAction, PERMISSION_OF, canRun } from './vm-actions';
import {
  PAGE_SIZES,
  type SortField,
  VM_STATUSES,
  type VmListQuery,
  parseQuery,
  sortOrderOf,
  toApiParams,
  toQueryParams,
} from './vm-list.query';

const TYPING_DEBOUNCE_MS = 300;
// VM events for VMs not on this page are ignored (at 25,000 VMs most are), except while the page
// has room: then a VM created elsewhere may belong here, and one reload (gathered) shows it.
const RELOAD_DELAY_MS = 300;

/**
 * `/vms`: one page of VMs from the server (sort, filters, search in the URL), kept current by VM
 * events; multi-select bulk actions followed in a drawer; per-row quick actions and Adopt.
 */
@Component({
  selector: 'pd-vm-list-page',
  imports: [
    WhenPipe,
    BulkProgressDrawer,
    BytesPipe,
    CanDirective,
    FormsModule,
    NzButtonModule,
    NzDropdownModule,
    NzIconModule,
    NzInputModule,
    NzMenuModule,
    NzSelectModule,
    NzTableModule,
    NzTagModule,
    PageHeaderComponent,
    RouterLink,
    StateTagComponent,
    TranslatePipe,
  ],
  templateUrl: './vm-list.page.html',
  styleUrl: './vm-list.page.css',
  // NzModalService is not provided in root; the confirmations open from this page.
  providers: [NzModalService],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmListPage {
  private readonly api = inject(VmsApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly live = inject(LiveEvents);
  private readonly modal = inject(NzModalService);
  private readonly message = inject(NzMessageService);
  private readonly i18n = inject(I18nService);
  private readonly permissions = inject(Permissions);
  protected readonly nodes = inject(NodeNamesStore);

  protected readonly statuses = VM_STATUSES;
  protected readonly pageSizes = PAGE_SIZES;
  protected readonly bulkActions = LIST_ACTIONS;

  protected readonly query = toSignal(this.route.queryParams.pipe(map(parseQuery)), {
    initialValue: parseQuery(this.route.snapshot.queryParams),
  });
  protected readonly rows = signal<Vm[]>([]);
  protected readonly total = signal(0);
  protected readonly loading = signal(false);
  /** Selected VMs by id (kept across pages, so a selection can span them). */
  protected readonly selected = signal<ReadonlyMap<string, Vm>>(new Map());
  /** The VM whose row menu is open. */
  protected readonly menuVm = signal<Vm | null>(null);
  protected readonly bulkJob = signal<BulkJob | null>(null);
  protected readonly lastJob = signal<BulkJob | null>(null);
  /** Text in the search and tag boxes, ahead of the debounced URL. */
  protected readonly searchText = signal('');
  protected readonly tagText = signal('');

  protected readonly canSelect = computed(
    () => this.permissions.can('vms:operate') || this.permissions.can('vms:delete'),
  );
  /** A viewer gets no empty Actions column. */
  protected readonly hasActions = computed(
    () =>
      this.permissions.can('vms:operate') ||
      this.permissions.can('vms:delete') ||
      this.permissions.can('vms:update'),
  );
  protected readonly allChecked = computed(() => {
    const rows = this.rows();
    return rows.length > 0 && rows.every((vm) => this.selected().has(vm.id));
  });
  protected readonly someChecked = computed(
    () => !this.allChecked() && this.rows().some((vm) => this.selected().has(vm.id)),
  );
  protected readonly filtered = computed(() => {
    const q = this.query();
    return !!(q.status || q.nodeId || q.tag || q.q || q.managed !== undefined);
  });

  private readonly typed = new Subject<{ q?: string; tag?: string }>();
  private generation = 0;
  private readonly stamps = new LiveStamps();
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    void this.nodes.load();
    effect(() => {
      const query = this.query();
      untracked(() => {
        this.searchText.set(query.q ?? '');
        this.tagText.set(query.tag ?? '');
        void this.load(query);
      });
    });
    this.typed
      .pipe(debounceTime(TYPING_DEBOUNCE_MS), takeUntilDestroyed())
      .subscribe((patch) => this.navigate({ ...patch, page: 1 }, true));
    this.live
      .on('vm')
      .pipe(takeUntilDestroyed())
      .subscribe((event) => this.applyVmEvent(event.id, event.data));
    this.live.resync$.pipe(takeUntilDestroyed()).subscribe(() => void this.load(this.query()));
    inject(DestroyRef).onDestroy(() => clearTimeout(this.reloadTimer));
  }

  // --- loading and the URL ---

  private async load(query: VmListQuery): Promise<void> {
    const generation = ++this.generation;
    const mark = this.stamps.mark();
    this.loading.set(true);
    try {
      const page = await this.api.list(toApiParams(query));
      if (generation !== this.generation) return; // a newer query answered first or is under way
      // Past the last page (after deletes, or a hand-edited URL): go to the last one.
      if (page.items.length === 0 && page.total > 0 && query.page > 1) {
        this.navigate({ page: Math.ceil(page.total / query.pageSize) }, true);
        return;
      }
      const rows = this.stamps.merge(mark, page.items, this.rows());
      this.rows.set(rows);
      this.total.set(page.total);
      this.refreshSelection(rows);
    } catch {
      // The interceptor reported it; keep what is shown.
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }

  protected navigate(patch: Partial<VmListQuery>, replaceUrl = false): void {
    const next = { ...this.query(), ...patch };
    void this.router.navigate([], { relativeTo: this.route, queryParams: toQueryParams(next), replaceUrl });
  }

  protected onSearch(text: string): void {
    this.searchText.set(text);
    this.typed.next({ q: text.trim() || undefined, tag: this.query().tag });
  }

  protected onTag(text: string): void {
    this.tagText.set(text);
    this.typed.next({ tag: text.trim() || undefined, q: this.query().q });
  }

  protected filterBy(patch: Partial<VmListQuery>): void {
    this.navigate({ ...patch, page: 1 });
  }

  protected clearFilters(): void {
    this.navigate({
      status: undefined,
      nodeId: undefined,
      tag: undefined,
      q: undefined,
      managed: undefined,
      page: 1,
    });
  }

  protected sortBy(field: SortField, order: string | null): void {
    // Clearing a column's sort returns to the default order (name ascending).
    const sort = order === 'ascend' ? `${field}:asc` : order === 'descend' ? `${field}:desc` : undefined;
    this.navigate({ sort, page: 1 });
  }

  protected sortOrder(field: SortField): 'ascend' | 'descend' | null {
    return sortOrderOf(this.query(), field);
  }

  protected managedValue(): string {
    const managed = this.query().managed;
    return managed === undefined ? '' : String(managed);
  }

  // --- live ---

  private applyVmEvent(id: string, data: Vm | { id: string; deleted: true }): void {
    this.stamps.touch(id, isDeleted(data));
    const rows = this.rows();
    const index = rows.findIndex((vm) => vm.id === id);
    if (isDeleted(data)) {
      if (index < 0) return;
      this.rows.set(rows.filter((vm) => vm.id !== id));
      this.total.update((t) => Math.max(0, t - 1));
      this.unselect(id);
      return;
    }
    if (index >= 0) {
      const next = [...rows];
      next[index] = data;
      this.rows.set(next);
      if (this.selected().has(id)) this.selected.update((s) => new Map(s).set(id, data));
    } else if (rows.length < this.query().pageSize) {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => void this.load(this.query()), RELOAD_DELAY_MS);
    }
  }

  // --- selection ---

  protected isSelected(vm: Vm): boolean {
    return this.selected().has(vm.id);
  }

  protected toggle(vm: Vm, checked: boolean): void {
    const next = new Map(this.selected());
    if (checked) next.set(vm.id, vm);
    else next.delete(vm.id);
    this.selected.set(next);
  }

  protected toggleAll(checked: boolean): void {
    const next = new Map(this.selected());
    for (const vm of this.rows()) {
      if (checked) next.set(vm.id, vm);
      else next.delete(vm.id);
    }
    this.selected.set(next);
  }

  protected clearSelection(): void {
    this.selected.set(new Map());
  }

  private unselect(id: string): void {
    if (!this.selected().has(id)) return;
    const next = new Map(this.selected());
    next.delete(id);
    this.selected.set(next);
  }

  /** Selected rows now on the page take their fresh state. */
  private refreshSelection(items: Vm[]): void {
    const selected = this.selected();
    if (selected.size === 0) return;
    const next = new Map(selected);
    for (const vm of items) if (next.has(vm.id)) next.set(vm.id, vm);
    this.selected.set(next);
  }

  /** A bulk button is offered when at least one selected VM accepts the action. */
  protected bulkEnabled(action: ListAction): boolean {
    for (const vm of this.selected().values()) if (canRun(action, vm)) return true;
    return false;
  }

  // --- actions ---

  protected can(action: ListAction, vm: Vm): boolean {
    return canRun(action, vm) && this.permissions.can(PERMISSION_OF[action]);
  }

  protected permissionOf(action: ListAction) {
    return PERMISSION_OF[action];
  }

  protected stateLabel(state: string): string {
    return this.i18n.lookup(`state.${state}`) ?? state;
  }

  protected actionLabel(action: ListAction): string {
    return this.i18n.t(`vms.action.${action}` as MessageKey);
  }

  protected async rowAction(vm: Vm, action: ListAction): Promise<void> {
    const answer = await this.confirm(action, [vm.name]);
    if (!answer) return;
    try {
      if (action === 'delete') await this.api.delete(vm.id, answer.deleteDisks);
      else await this.api.action(vm.id, action);
      this.message.info(this.i18n.t('vms.actionSent', { action: this.actionLabel(action), name: vm.name }));
    } catch {
      // Reported by the interceptor.
    }
  }

  protected async bulk(action: ListAction): Promise<void> {
    const targets = [...this.selected().values()].filter((vm) => canRun(action, vm));
    if (targets.length === 0) return;
    const answer = await this.confirm(
      action,
      targets.map((vm) => vm.name),
    );
    if (!answer) return;
    const names = Object.fromEntries(targets.map((vm) => [vm.id, vm.name]));
    try {
      let job: BulkJob;
      if (action === 'delete') {
        // No bulk delete in the API: one DELETE per VM, followed together.
        const results = await Promise.allSettled(
          targets.map((vm) => this.api.delete(vm.id, answer.deleteDisks)),
        );
        const tasks = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.task as Task] : []));
        if (tasks.length === 0) return;
        job = { action, parentId: null, tasks, names };
      } else {
        const { task } = await this.api.bulk(
          action,
          targets.map((vm) => vm.id),
        );
        job = { action, parentId: task.id, tasks: [], names };
      }
      this.clearSelection();
      this.bulkJob.set(job);
      this.lastJob.set(job);
    } catch {
      // Reported by the interceptor.
    }
  }

  protected async adopt(vm: Vm): Promise<void> {
    const ok = await new Promise<boolean>((resolve) => {
      this.modal.confirm({
        nzTitle: this.i18n.t('vms.confirm.adoptTitle', { name: vm.name }),
        nzContent: this.i18n.t('vms.confirm.adoptBody'),
        nzOkText: this.i18n.t('vms.action.adopt'),
        nzCancelText: this.i18n.t('common.cancel'),
        nzOnOk: () => resolve(true),
        nzOnCancel: () => resolve(false),
      });
    });
    if (!ok) return;
    try {
      const adopted = await this.api.adopt(vm.id);
      this.applyVmEvent(adopted.id, adopted);
      this.message.success(this.i18n.t('vms.adopted', { name: vm.name }));
    } catch {
      // Reported by the interceptor.
    }
  }

  /** Asks first for destructive actions (and every bulk one); resolves undefined when cancelled. */
  private confirm(action: ListAction, names: string[]): Promise<ConfirmActionResult | undefined> {
    if (!DESTRUCTIVE.has(action) && names.length === 1) return Promise.resolve({ deleteDisks: false });
    const ref = this.modal.create<ConfirmActionDialog, ConfirmActionData, ConfirmActionResult>({
      nzContent: ConfirmActionDialog,
      nzData: { action, names },
      nzFooter: null,
      nzClosable: false,
      nzWidth: 480,
    });
    return new Promise((resolve) => ref.afterClose.subscribe((result) => resolve(result ?? undefined)));
  }
}
