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
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { PermissionInfo, Role } from '@paddock/protocol/api/roles';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { RolesApi } from '../../../core/api/roles.api';
import { labelDialogBy } from '../../../shared/a11y';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { PermissionEditor } from './permission-editor.component';

/** `'new'` creates a role; a custom role is edited; a built-in one is only shown. */
export type RoleFormTarget = Role | 'new' | null;

// The same limits as protocol/src/api/roles.ts (RolesPost).
const NAME = { min: 2, max: 64, pattern: /^[a-z0-9][a-z0-9._-]*$/ } as const;
const DESCRIPTION_MAX = 500;
const PERMISSIONS_MAX = 200;

@Component({
  selector: 'pd-role-form-dialog',
  imports: [
    NzAlertModule,
    NzFormModule,
    NzInputModule,
    NzModalModule,
    PermissionEditor,
    ReactiveFormsModule,
    TranslatePipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="target() !== null"
      [nzTitle]="titleTpl"
      (nzAfterOpen)="labelDialogBy('role-form-title')"
      [nzOkText]="readonly() ? null : ((creating() ? 'common.create' : 'common.save') | t)"
      [nzCancelText]="(readonly() ? 'common.close' : 'common.cancel') | t"
      [nzOkLoading]="saving()"
      [nzWidth]="720"
      (nzOnOk)="save()"
      (nzOnCancel)="done.emit(null)"
    >
      <form *nzModalContent id="role-form" nz-form nzLayout="vertical" [formGroup]="form">
        @if (readonly()) {
          <nz-alert class="builtin" nzType="info" nzShowIcon [nzMessage]="'roles.builtinReadonly' | t" />
        }
        <nz-form-item>
          <nz-form-label nzFor="role-name" [nzRequired]="creating()">{{ 'common.name' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="'roles.nameRule' | t: { min: name.min, max: name.max }">
            <input nz-input id="role-name" formControlName="name" autocomplete="off" />
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="role-description">{{ 'common.description' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="'roles.descriptionRule' | t: { max: descriptionMax }">
            <textarea nz-input id="role-description" formControlName="description" rows="2"></textarea>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label>{{ 'roles.permissions' | t }}</nz-form-label>
          <nz-form-control>
            <pd-permission-editor [catalogue]="catalogue()" [readonly]="readonly()" [(value)]="permissions" />
            @if (tooMany()) {
              <div class="ant-form-item-explain-error">{{ 'roles.tooManyPermissions' | t: { max: permissionsMax } }}</div>
            }
          </nz-form-control>
        </nz-form-item>
      </form>
    </nz-modal>
<ng-template #titleTpl><span id="role-form-title">{{ title() | t: { name: role()?.name ?? '' } }}</span></ng-template>
  `,
  styles: `
    .builtin {
      margin-bottom: 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoleFormDialog {
  protected readonly labelDialogBy = labelDialogBy;
  private readonly api = inject(RolesApi);
  readonly target = input<RoleFormTarget>(null);
  readonly catalogue = input<PermissionInfo[]>([]);
  readonly done = output<Role | null>();

  protected readonly name = NAME;
  protected readonly descriptionMax = DESCRIPTION_MAX;
  protected readonly permissionsMax = PERMISSIONS_MAX;
  protected readonly creating = computed(() => this.target() === 'new');
  protected readonly role = computed(() => {
    const t = this.target();
    return t && t !== 'new' ? t : null;
  });
  protected readonly readonly = computed(() => this.role()?.builtin ?? false);
  protected readonly title = computed(() =>
    this.creating() ? 'roles.createTitle' : this.readonly() ? 'roles.viewTitle' : 'roles.editTitle',
  );
  protected readonly permissions = signal<string[]>([]);
  protected readonly tooMany = computed(() => this.permissions().length > PERMISSIONS_MAX);
  protected readonly saving = signal(false);
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [
      '',
      [
        Validators.required,
        Validators.minLength(NAME.min),
        Validators.maxLength(NAME.max),
        Validators.pattern(NAME.pattern),
      ],
    ],
    description: ['', Validators.maxLength(DESCRIPTION_MAX)],
  });

  constructor() {
    effect(() => {
      const target = this.target();
      untracked(() => {
        this.form.reset();
        const role = target && target !== 'new' ? target : null;
        this.permissions.set(role ? [...role.permissions] : []);
        this.form.patchValue({ name: role?.name ?? '', description: role?.description ?? '' });
        if (role) this.form.controls.name.disable();
        else this.form.controls.name.enable();
        if (role?.builtin) this.form.controls.description.disable();
        else this.form.controls.description.enable();
      });
    });
  }

  protected async save(): Promise<void> {
    const target = this.target();
    if (!target || this.readonly()) return;
    if (this.form.invalid || this.tooMany()) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    const { name, description } = this.form.getRawValue();
    this.saving.set(true);
    try {
      const role =
        target === 'new'
          ? await this.api.create({
              name,
              permissions: this.permissions(),
              ...(description && { description }),
            })
          : await this.api.update(target.id, {
              description: description || null,
              permissions: this.permissions(),
            });
      this.done.emit(role);
    } catch {
      // Reported by the interceptor; the dialog stays open.
    } finally {
      this.saving.set(false);
    }
  }
}
