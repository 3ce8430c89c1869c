import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { PoolAccepted } from '@paddock/protocol/api/storage';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { StorageApi } from '../../../core/api/storage.api';
import { I18nService } from '../../../core/i18n/i18n.service';
import { DialogNameDirective } from '../../../shared/a11y';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { StorageStore } from '../storage.store';
import { PATH_MAX, PATH_MIN, PATH_PATTERN, errorKey, nameValidators } from '../storage-limits';

/** `POST /api/storage/pools`: a directory pool on one node (a task defines and starts it there). */
@Component({
  selector: 'pd-create-pool-dialog',
  imports: [
    DialogNameDirective,
    NzButtonModule,
    NzFormModule,
    NzInputModule,
    NzModalModule,
    NzSelectModule,
    ReactiveFormsModule,
    TranslatePipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="'storage.pool.createTitle' | t"
      [pdDialogName]="'storage.pool.createTitle' | t"
      [nzFooter]="footer"
      [nzMaskClosable]="false"
      (nzOnCancel)="closed.emit()"
    >
      <form *nzModalContent nz-form nzLayout="vertical" id="create-pool-form" [formGroup]="form" (ngSubmit)="submit()">
        <nz-form-item>
          <nz-form-label nzFor="pool-name" nzRequired>{{ 'common.name' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('name')">
            <input nz-input id="pool-name" formControlName="name" autocomplete="off" />
            <div class="hint">{{ 'storage.hint.name' | t }}</div>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="pool-type" nzRequired>{{ 'common.type' | t }}</nz-form-label>
          <nz-form-control>
            <nz-select nzId="pool-type" formControlName="type">
              <nz-option nzValue="dir" [nzLabel]="'storage.pool.typeDir' | t" />
            </nz-select>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="pool-node" nzRequired>{{ 'common.node' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('nodeId')">
            <nz-select
              nzId="pool-node"
              formControlName="nodeId"
              nzShowSearch
              [nzPlaceHolder]="'storage.pool.pickNode' | t"
            >
              @for (node of store.nodes(); track node.id) {
                <nz-option [nzValue]="node.id" [nzLabel]="node.hostname" />
              }
            </nz-select>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="pool-path" nzRequired>{{ 'storage.path' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('path', 'storage.err.path')">
            <input nz-input id="pool-path" formControlName="path" placeholder="/var/lib/paddock/images" autocomplete="off" />
            <div class="hint">{{ 'storage.hint.path' | t }}</div>
          </nz-form-control>
        </nz-form-item>
      </form>
      <ng-template #footer>
        <button nz-button type="button" id="create-pool-cancel" (click)="closed.emit()">{{ 'common.cancel' | t }}</button>
        <button nz-button nzType="primary" type="submit" form="create-pool-form" id="create-pool-submit" [nzLoading]="saving()">
          {{ 'common.create' | t }}
        </button>
      </ng-template>
    </nz-modal>
  `,
  styles: `
    .hint {
      margin-top: 2px;
      font-size: 12px;
      opacity: 0.75;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreatePoolDialog {
  private readonly storage = inject(StorageApi);
  private readonly i18n = inject(I18nService);
  protected readonly store = inject(StorageStore);
  readonly closed = output<void>();
  readonly created = output<PoolAccepted>();
  protected readonly saving = signal(false);

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', nameValidators],
    type: ['dir' as const],
    nodeId: ['', Validators.required],
    path: [
      '',
      [
        Validators.required,
        Validators.minLength(PATH_MIN),
        Validators.maxLength(PATH_MAX),
        Validators.pattern(PATH_PATTERN),
      ],
    ],
  });

  constructor() {
    void this.store.loadNodes().then(() => {
      const nodes = this.store.nodes();
      // One node (the usual small setup): nothing to choose.
      if (nodes.length === 1 && !this.form.controls.nodeId.value)
        this.form.controls.nodeId.setValue(nodes[0]!.id);
    });
  }

  protected error(
    field: keyof typeof this.form.controls,
    patternKey?: Parameters<typeof errorKey>[1],
  ): string {
    const key = errorKey(this.form.controls[field], patternKey);
    return key ? this.i18n.t(key) : '';
  }

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    this.saving.set(true);
    try {
      this.created.emit(await this.storage.createPool(this.form.getRawValue()));
    } catch {
      // The interceptor told the person why; the dialog stays open to correct it.
    } finally {
      this.saving.set(false);
    }
  }
}
