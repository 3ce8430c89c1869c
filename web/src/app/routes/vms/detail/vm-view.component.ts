import {
  ChangeDetectionStrategy,
  Component,
  type OnInit,
  computed,
  effect,
  inject,
  input,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzProgressModule } from 'ng-zorro-antd/progress';
import { NzResultModule } from 'ng-zorro-antd/result';
import { NzSpinModule } from 'ng-zorro-antd/spin';
import { NzTabsModule } from 'ng-zorro-antd/tabs';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { Permissions } from '../../../core/auth/permissions';
import { PageHeaderComponent } from '../../../shared/page-header.component';
import { StateTagComponent } from '../../../shared/state-tag.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { VM_DETAIL_ICONS } from './icons';
import { VmActionsComponent } from './vm-actions.component';
import { VmConsoleTab } from './vm-console.tab';
import { VmDetailStore } from './vm-detail.store';
import { VmDisksTab } from './vm-disks.tab';
import { VmNicsTab } from './vm-nics.tab';
import { VmOverviewTab } from './vm-overview.tab';
import { VmSnapshotsTab } from './vm-snapshots.tab';
import { VmTasksTab } from './vm-tasks.tab';

export const TABS = ['overview', 'disks', 'nics', 'snapshots', 'console', 'tasks'] as const;
export type VmTab = (typeof TABS)[number];

/** One VM: header with state and actions, the running task, and the tab chosen by `?tab=`. */
@Component({
  selector: 'pd-vm-view',
  imports: [
    RouterLink,
    NzButtonModule,
    NzProgressModule,
    NzResultModule,
    NzSpinModule,
    NzTabsModule,
    NzTagModule,
    PageHeaderComponent,
    StateTagComponent,
    TranslatePipe,
    VmActionsComponent,
    VmConsoleTab,
    VmDisksTab,
    VmNicsTab,
    VmOverviewTab,
    VmSnapshotsTab,
    VmTasksTab,
  ],
  providers: [VmDetailStore, VM_DETAIL_ICONS],
  templateUrl: './vm-view.component.html',
  styleUrl: './vm-view.component.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmViewComponent implements OnInit {
  protected readonly store = inject(VmDetailStore);
  private readonly router = inject(Router);
  private readonly permissions = inject(Permissions);
  readonly vmId = input.required<string>();
  readonly tab = input<string | undefined>();

  /** Tabs this user may open (the console needs its own permission). */
  protected readonly tabs = computed(() =>
    TABS.filter((t) => t !== 'console' || this.permissions.can('vms:console')),
  );
  protected readonly current = computed<VmTab>(() => {
    const wanted = this.tab() as VmTab;
    return this.tabs().includes(wanted) ? wanted : 'overview';
  });
  protected readonly index = computed(() => this.tabs().indexOf(this.current()));

  constructor() {
    // The VM was deleted (here or elsewhere): nothing left to show.
    effect(() => {
      if (this.store.deleted()) this.store.leave();
    });
  }

  ngOnInit(): void {
    this.store.start(this.vmId());
  }

  protected select(index: number): void {
    const tab = this.tabs()[index];
    if (!tab || tab === this.current()) return;
    void this.router.navigate([], { queryParams: { tab }, queryParamsHandling: 'merge' });
  }

  protected tabKey(tab: VmTab) {
    return `vmDetail.tab.${tab}` as const;
  }
}
