import {
  ChangeDetectionStrategy,
  Component,
  type OnInit,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { VolumeAccepted } from '@paddock/protocol/api/storage';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzInputNumberModule } from 'ng-zorro-antd/input-number';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NzRadioModule } from 'ng-zorro-antd/radio';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { StorageApi } from '../../../core/api/storage.api';
import { I18nService } from '../../../core/i18n/i18n.service';
import { DialogNameDirective } from '../../../shared/a11y';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { StorageStore } from '../storage.store';
import { VOLUME_MAX_GB, errorKey, nameValidators, positive } from '../storage-limits';

/** `POST /api/storage/pools/{id}/volumes`: an empty qcow2 or raw disk. */
@Component({
  selector: 'pd-create-volume-dialog',
  imports: [
    DialogNameDirective,
    NzButtonModule,
    NzFormModule,
    NzInputModule,
    NzInputNumberModule,
    NzModalModule,
    NzRadioModule,
    NzSelectModule,
    ReactiveFormsModule,
    TranslatePipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="'storage.volume.createTitle' | t"
      [pdDialogName]="'storage.volume.createTitle' | t"
      [nzFooter]="footer"
      [nzMaskClosable]="false"
      (nzOnCancel)="closed.emit()"
    >
      <form *nzModalContent nz-form nzLayout="vertical" id="create-volume-form" [formGroup]="form" (ngSubmit)="submit()">
        <nz-form-item>
          <nz-form-label nzFor="volume-pool" nzRequired>{{ 'storage.pool' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('poolId')">
            <nz-select
              nzId="volume-pool"
              formControlName="poolId"
              [nzPlaceHolder]="'storage.pickPool' | t"
              [nzNotFoundContent]="'storage.noActivePool' | t"
            >
              @for (pool of store.activePools(); track pool.id) {
                <nz-option [nzValue]="pool.id" [nzLabel]="pool.name" />
              }
            </nz-select>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="volume-name" nzRequired>{{ 'common.name' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('name')">
            <input nz-input id="volume-name" formControlName="name" autocomplete="off" />
            <div class="hint">{{ 'storage.hint.name' | t }}</div>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label id="volume-format-label" nzRequired>{{ 'storage.format' | t }}</nz-form-label>
          <nz-form-control>
            <nz-radio-group id="volume-format" formControlName="format" aria-labelledby="volume-format-label">
              <label nz-radio-button nzValue="qcow2">qcow2</label>
              <label nz-radio-button nzValue="raw">raw</label>
            </nz-radio-group>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="volume-size" nzRequired>{{ 'storage.sizeGb' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('sizeGb')">
            <nz-input-number
              nzId="volume-size"
              formControlName="sizeGb"
              [nzMin]="0"
              [nzMax]="maxGb"
              [nzStep]="1"
              [nzPrecision]="3"
              class="size"
            />
          </nz-form-control>
        </nz-form-item>
      </form>
      <ng-template #footer>
        <button nz-button type="button" id="create-volume-cancel" (click)="closed.emit()">{{ 'common.cancel' | t }}</button>
        <button
          nz-button
          nzType="primary"
          type="submit"
          form="create-volume-form"
          id="create-volume-submit"
          [nzLoading]="saving()"
        >
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
    .size {
      width: 160px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreateVolumeDialog implements OnInit {
  private readonly storage = inject(StorageApi);
  private readonly i18n = inject(I18nService);
  protected readonly store = inject(StorageStore);
  /** Preselected pool (the volume filter's, when set). */
  readonly poolId = input<string | undefined>();
  readonly closed = output<void>();
  readonly created = output<VolumeAccepted>();
  protected readonly saving = signal(false);
  protected readonly maxGb = VOLUME_MAX_GB;

  protected readonly form = inject(NonNullableFormBuilder).group({
    poolId: ['', Validators.required],
    name: ['', nameValidators],
    format: ['qcow2' as 'qcow2' | 'raw'],
    sizeGb: [10 as number | null, [Validators.required, positive, Validators.max(VOLUME_MAX_GB)]],
  });

  ngOnInit(): void {
    const active = this.store.activePools();
    const preset = this.poolId() ?? (active.length === 1 ? active[0]!.id : undefined);
    if (preset && active.some((p) => p.id === preset)) this.form.controls.poolId.setValue(preset);
  }

  protected error(field: keyof typeof this.form.controls): string {
    const key = errorKey(this.form.controls[field]);
    return key ? this.i18n.t(key, { max: VOLUME_MAX_GB }) : '';
  }

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    const { poolId, name, format, sizeGb } = this.form.getRawValue();
    this.saving.set(true);
    try {
      this.created.emit(await this.storage.createVolume(poolId, { name, format, sizeGb: Number(sizeGb) }));
    } catch {
      // Reported by the interceptor (e.g. the name is taken); the dialog stays open.
    } finally {
      this.saving.set(false);
    }
  }
}
