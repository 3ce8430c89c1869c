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
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import type { User } from '@paddock/protocol/api/users';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzSwitchModule } from 'ng-zorro-antd/switch';
import { UsersApi } from '../../../core/api/users.api';
import { labelDialogBy } from '../../../shared/a11y';
import { TranslatePipe } from '../../../shared/translate.pipe';
import {
  DISPLAY_NAME_MAX,
  displayNameValidators,
  EMAIL_MAX,
  emailValidators,
  PASSWORD,
  passwordValidators,
  ROLES_MAX,
  samePassword,
  USERNAME,
  usernameValidators,
} from './user-limits';

/** `'new'` creates a user; a user edits their email, name and whether they may sign in. */
export type UserFormTarget = User | 'new' | null;

/** Create or edit a user. Validates with the API's limits before sending. */
@Component({
  selector: 'pd-user-form-dialog',
  imports: [
    NzFormModule,
    NzInputModule,
    NzModalModule,
    NzSelectModule,
    NzSwitchModule,
    ReactiveFormsModule,
    TranslatePipe,
  ],
  templateUrl: './user-form.dialog.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserFormDialog {
  protected readonly labelDialogBy = labelDialogBy;
  private readonly api = inject(UsersApi);
  private readonly fb = inject(NonNullableFormBuilder);
  readonly target = input<UserFormTarget>(null);
  /** Role names to offer; empty when the signed-in user may not read roles. */
  readonly roleNames = input<string[]>([]);
  readonly done = output<User | null>();

  protected readonly limits = { USERNAME, PASSWORD, EMAIL_MAX, DISPLAY_NAME_MAX, ROLES_MAX };
  protected readonly creating = computed(() => this.target() === 'new');
  protected readonly saving = signal(false);
  protected readonly form = this.fb.group(
    {
      username: ['', usernameValidators],
      password: ['', passwordValidators],
      confirm: [''],
      displayName: ['', displayNameValidators],
      email: ['', emailValidators],
      roles: [[] as string[]],
      enabled: [true],
    },
    { validators: samePassword() },
  );

  constructor() {
    effect(() => {
      const target = this.target();
      untracked(() => this.reset(target));
    });
  }

  private reset(target: UserFormTarget): void {
    this.form.reset();
    const editing = target !== null && target !== 'new';
    for (const name of ['username', 'password', 'confirm', 'roles'] as const) {
      if (editing) this.form.controls[name].disable();
      else this.form.controls[name].enable();
    }
    if (editing) {
      this.form.patchValue({
        username: target.username,
        displayName: target.displayName ?? '',
        email: target.email ?? '',
        enabled: target.enabled,
      });
    }
  }

  protected async save(): Promise<void> {
    if (this.form.invalid) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    const v = this.form.getRawValue();
    const target = this.target();
    this.saving.set(true);
    try {
      const user =
        target === 'new'
          ? await this.api.create({
              username: v.username,
              password: v.password,
              ...(v.displayName && { displayName: v.displayName }),
              ...(v.email && { email: v.email }),
              ...(v.roles.length > 0 && { roles: v.roles }),
            })
          : target
            ? await this.api.update(target.id, {
                displayName: v.displayName || null,
                email: v.email || null,
                enabled: v.enabled,
              })
            : null;
      this.done.emit(user);
    } catch {
      // The interceptor reports the API's answer; the dialog stays open to fix it.
    } finally {
      this.saving.set(false);
    }
  }
}
