import {
  ChangeDetectionStrategy,
  Component,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import type { User } from '@paddock/protocol/api/users';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { UsersApi } from '../../../core/api/users.api';
import { labelDialogBy } from '../../../shared/a11y';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { ROLES_MAX } from './user-limits';

/** The complete set of roles bound to a user (`PUT /api/users/{id}/roles`). */
@Component({
  selector: 'pd-user-roles-dialog',
  imports: [FormsModule, NzFormModule, NzModalModule, NzSelectModule, TranslatePipe],
  template: `
    <nz-modal
      [nzVisible]="user() !== null"
      [nzTitle]="titleTpl"
      (nzAfterOpen)="labelDialogBy('user-roles-title')"
      [nzOkText]="'common.save' | t"
      [nzCancelText]="'common.cancel' | t"
      [nzOkLoading]="saving()"
      (nzOnOk)="save()"
      (nzOnCancel)="done.emit(null)"
    >
      <form *nzModalContent id="user-roles-form" nz-form nzLayout="vertical">
        <nz-form-item>
          <nz-form-label nzFor="user-roles-select">{{ 'users.roles' | t }}</nz-form-label>
          <nz-form-control>
            <nz-select
              nzId="user-roles-select"
              nzMode="multiple"
              name="roles"
              [nzMaxMultipleCount]="max"
              [nzPlaceHolder]="'users.noRoles' | t"
              [ngModel]="selected()"
              (ngModelChange)="selected.set($event)"
            >
              @for (r of roleNames(); track r) {
                <nz-option [nzValue]="r" [nzLabel]="r" />
              }
            </nz-select>
          </nz-form-control>
        </nz-form-item>
      </form>
    </nz-modal>
<ng-template #titleTpl><span id="user-roles-title">{{ 'users.rolesTitle' | t: { name: user()?.username ?? '' } }}</span></ng-template>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserRolesDialog {
  protected readonly labelDialogBy = labelDialogBy;
  private readonly api = inject(UsersApi);
  readonly user = input<User | null>(null);
  readonly roleNames = input<string[]>([]);
  readonly done = output<User | null>();
  protected readonly max = ROLES_MAX;
  protected readonly selected = signal<string[]>([]);
  protected readonly saving = signal(false);

  constructor() {
    effect(() => {
      const user = this.user();
      untracked(() => this.selected.set(user ? [...user.roles] : []));
    });
  }

  protected async save(): Promise<void> {
    const user = this.user();
    if (!user) return;
    this.saving.set(true);
    try {
      this.done.emit(await this.api.setRoles(user.id, this.selected()));
    } catch {
      // Reported by the interceptor.
    } finally {
      this.saving.set(false);
    }
  }
}
