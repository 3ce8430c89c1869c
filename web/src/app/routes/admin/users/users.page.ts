import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import type { User } from '@paddock/protocol/api/users';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzDropdownModule } from 'ng-zorro-antd/dropdown';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzMessageService } from 'ng-zorro-antd/message';
import { NzPopconfirmModule } from 'ng-zorro-antd/popconfirm';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { RolesApi } from '../../../core/api/roles.api';
import { UsersApi } from '../../../core/api/users.api';
import { AuthService } from '../../../core/auth/auth.service';
import { Permissions } from '../../../core/auth/permissions';
import { I18nService } from '../../../core/i18n/i18n.service';
import { CanDirective } from '../../../shared/can.directive';
import { WhenPipe } from '../../../shared/format.pipes';
import { PageHeaderComponent } from '../../../shared/page-header.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { ResetPasswordDialog } from './reset-password.dialog';
import { UserFormDialog, type UserFormTarget } from './user-form.dialog';
import { UserRolesDialog } from './user-roles.dialog';

/** User accounts: create, edit, enable/disable, reset passwords, bind roles, delete. */
@Component({
  selector: 'pd-users-page',
  imports: [
    CanDirective,
    NzButtonModule,
    NzDropdownModule,
    NzIconModule,
    NzInputModule,
    NzPopconfirmModule,
    NzTableModule,
    NzTagModule,
    PageHeaderComponent,
    ResetPasswordDialog,
    TranslatePipe,
    UserFormDialog,
    UserRolesDialog,
    WhenPipe,
  ],
  templateUrl: './users.page.html',
  styles: `
    .toolbar {
      display: flex;
      gap: 8px;
      margin-bottom: 16px;
    }
    .toolbar input {
      max-width: 280px;
    }
    .row-actions {
      display: flex;
      flex-wrap: nowrap;
      gap: 4px;
      white-space: nowrap;
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
export class UsersPage {
  private readonly api = inject(UsersApi);
  private readonly rolesApi = inject(RolesApi);
  private readonly permissions = inject(Permissions);
  private readonly message = inject(NzMessageService);
  private readonly i18n = inject(I18nService);
  protected readonly me = inject(AuthService).user;

  protected readonly rows = signal<User[]>([]);
  protected readonly total = signal(0);
  protected readonly page = signal(1);
  protected readonly pageSize = signal(20);
  protected readonly search = signal('');
  protected readonly loading = signal(false);
  protected readonly busy = signal<string | null>(null);
  protected readonly roleNames = signal<string[]>([]);
  protected readonly editing = signal<UserFormTarget>(null);
  protected readonly resetting = signal<User | null>(null);
  protected readonly binding = signal<User | null>(null);
  protected readonly canBind = computed(() => this.permissions.canAll('users:update', 'roles:read'));
  private loadSeq = 0;

  constructor() {
    effect(() => {
      this.page();
      this.pageSize();
      this.search();
      untracked(() => void this.load());
    });
    effect(() => {
      if (this.permissions.can('roles:read')) untracked(() => void this.loadRoles());
    });
  }

  protected async load(): Promise<void> {
    const seq = ++this.loadSeq;
    this.loading.set(true);
    try {
      const page = await this.api.list({
        page: this.page(),
        pageSize: this.pageSize(),
        q: this.search() || undefined,
      });
      if (seq !== this.loadSeq) return;
      this.rows.set(page.items);
      this.total.set(page.total);
    } catch {
      // Reported by the interceptor.
    } finally {
      if (seq === this.loadSeq) this.loading.set(false);
    }
  }

  private async loadRoles(): Promise<void> {
    try {
      const page = await this.rolesApi.list({ pageSize: 500, sort: 'name:asc' });
      this.roleNames.set(page.items.map((r) => r.name));
    } catch {
      // Reported by the interceptor.
    }
  }

  protected applySearch(value: string): void {
    this.page.set(1);
    this.search.set(value.trim());
  }

  protected isMe(user: User): boolean {
    return user.id === this.me()?.id;
  }

  private replace(user: User): void {
    this.rows.update((rows) => rows.map((r) => (r.id === user.id ? user : r)));
  }

  protected formDone(user: User | null): void {
    const wasNew = this.editing() === 'new';
    this.editing.set(null);
    if (!user) return;
    this.message.success(this.i18n.t(wasNew ? 'users.created' : 'users.saved', { name: user.username }));
    if (wasNew) void this.load();
    else this.replace(user);
  }

  protected rolesDone(user: User | null): void {
    this.binding.set(null);
    if (!user) return;
    this.message.success(this.i18n.t('users.saved', { name: user.username }));
    this.replace(user);
  }

  protected resetDone(changed: boolean): void {
    const user = this.resetting();
    this.resetting.set(null);
    if (changed && user) this.message.success(this.i18n.t('users.passwordReset', { name: user.username }));
  }

  protected async setEnabled(user: User, enabled: boolean): Promise<void> {
    this.busy.set(user.id);
    try {
      const updated = await this.api.update(user.id, { enabled });
      this.replace(updated);
      this.message.success(
        this.i18n.t(enabled ? 'users.enabledDone' : 'users.disabledDone', { name: user.username }),
      );
    } catch {
      // Reported by the interceptor (e.g. the last enabled administrator).
    } finally {
      this.busy.set(null);
    }
  }

  protected async remove(user: User): Promise<void> {
    this.busy.set(user.id);
    try {
      await this.api.delete(user.id);
      this.message.success(this.i18n.t('users.deleted', { name: user.username }));
      await this.load();
    } catch {
      // Reported by the interceptor.
    } finally {
      this.busy.set(null);
    }
  }
}
