import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import type { PermissionInfo, Role } from '@paddock/protocol/api/roles';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzMessageService } from 'ng-zorro-antd/message';
import { NzPopconfirmModule } from 'ng-zorro-antd/popconfirm';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { RolesApi } from '../../../core/api/roles.api';
import { I18nService } from '../../../core/i18n/i18n.service';
import { CanDirective } from '../../../shared/can.directive';
import { PageHeaderComponent } from '../../../shared/page-header.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { ALL } from './permission-editor.component';
import { RoleFormDialog, type RoleFormTarget } from './role-form.dialog';

/** Roles with how many users hold them; custom roles are created, edited and deleted here. */
@Component({
  selector: 'pd-roles-page',
  imports: [
    CanDirective,
    NzButtonModule,
    NzIconModule,
    NzPopconfirmModule,
    NzTableModule,
    NzTagModule,
    PageHeaderComponent,
    RoleFormDialog,
    TranslatePipe,
  ],
  templateUrl: './roles.page.html',
  styles: `
    .row-actions {
      display: flex;
      gap: 4px;
      white-space: nowrap;
    }
    .perms {
      max-width: 420px;
    }
    nz-tag {
      margin-bottom: 2px;
    }
    strong {
      margin-right: 6px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RolesPage {
  private readonly api = inject(RolesApi);
  private readonly message = inject(NzMessageService);
  private readonly i18n = inject(I18nService);

  protected readonly rows = signal<Role[]>([]);
  protected readonly catalogue = signal<PermissionInfo[]>([]);
  protected readonly loading = signal(false);
  protected readonly editing = signal<RoleFormTarget>(null);
  protected readonly busy = signal<string | null>(null);
  protected readonly all = ALL;
  /** How many permission tags a row shows before "+n". */
  protected readonly shown = 6;

  constructor() {
    void this.load();
    void this.api.permissions().then(
      (list) => this.catalogue.set(list),
      () => {},
    );
  }

  protected async load(): Promise<void> {
    this.loading.set(true);
    try {
      this.rows.set((await this.api.list({ pageSize: 500, sort: 'name:asc' })).items);
    } catch {
      // Reported by the interceptor.
    } finally {
      this.loading.set(false);
    }
  }

  protected formDone(role: Role | null): void {
    const wasNew = this.editing() === 'new';
    this.editing.set(null);
    if (!role) return;
    this.message.success(this.i18n.t(wasNew ? 'roles.created' : 'roles.saved', { name: role.name }));
    void this.load();
  }

  protected async remove(role: Role): Promise<void> {
    this.busy.set(role.id);
    try {
      await this.api.delete(role.id);
      this.message.success(this.i18n.t('roles.deleted', { name: role.name }));
      await this.load();
    } catch {
      // Reported by the interceptor.
    } finally {
      this.busy.set(null);
    }
  }
}
