import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type OnInit,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { UploadQuery, Volume } from '@paddock/protocol/api/storage';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NzProgressModule } from 'ng-zorro-antd/progress';
import { NzRadioModule } from 'ng-zorro-antd/radio';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { I18nService } from '../../../core/i18n/i18n.service';
import { formatBytes } from '../../../shared/format.pipes';
import { DialogNameDirective } from '../../../shared/a11y';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { StorageStore } from '../storage.store';
import { NAME_MAX, errorKey, nameValidators } from '../storage-limits';
import { type UploadHandle, UploadService } from './upload.service';

type Format = UploadQuery['format'];

/** iso / qcow2 / raw from a file name; null when the extension says nothing. */
export function guessFormat(fileName: string): Format | null {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  if (ext === 'iso') return 'iso';
  if (ext === 'qcow2' || ext === 'qcow') return 'qcow2';
  if (ext === 'raw' || ext === 'img') return 'raw';
  return null;
}

/** A volume name the API accepts, from a file name: extension dropped, other characters → '-'. */
export function guessName(fileName: string): string {
  const stem = fileName.replace(/\.(iso|qcow2?|raw|img)$/i, '');
  const cleaned = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned.slice(0, NAME_MAX);
}

/** "1:05" / "12 s" for an ETA. */
function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/**
 * Upload an ISO or disk image: the file goes, as it is on disk, as the raw body of the upload
 * request (UploadService); the dialog shows bytes sent, rate and time left, and can cancel.
 */
@Component({
  selector: 'pd-upload-image-dialog',
  imports: [
    DialogNameDirective,
    NzAlertModule,
    NzButtonModule,
    NzFormModule,
    NzIconModule,
    NzInputModule,
    NzModalModule,
    NzProgressModule,
    NzRadioModule,
    NzSelectModule,
    ReactiveFormsModule,
    TranslatePipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="'storage.upload.title' | t"
      [pdDialogName]="'storage.upload.title' | t"
      [nzFooter]="footer"
      [nzMaskClosable]="false"
      [nzClosable]="!busy()"
      [nzKeyboard]="!busy()"
      (nzOnCancel)="close()"
    >
      <form *nzModalContent nz-form nzLayout="vertical" id="upload-form" [formGroup]="form" (ngSubmit)="start()">
        <nz-form-item>
          <nz-form-label nzFor="upload-file" nzRequired>{{ 'storage.upload.file' | t }}</nz-form-label>
          <nz-form-control [nzValidateStatus]="fileError() ? 'error' : ''" [nzErrorTip]="fileError()">
            <input
              id="upload-file"
              class="file-input"
              type="file"
              accept=".iso,.qcow2,.qcow,.img,.raw"
              [disabled]="started()"
              (change)="pick($event)"
            />
            @if (file(); as f) {
              <div class="file-facts" id="upload-file-size">{{ f.name }} · {{ size(f.size) }}</div>
            }
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="upload-pool" nzRequired>{{ 'storage.pool' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('poolId')">
            <nz-select
              nzId="upload-pool"
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
          <nz-form-label nzFor="upload-name" nzRequired>{{ 'common.name' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('name')">
            <input nz-input id="upload-name" formControlName="name" autocomplete="off" />
            <div class="hint">{{ 'storage.hint.name' | t }}</div>
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label id="upload-format-label" nzRequired>{{ 'storage.format' | t }}</nz-form-label>
          <nz-form-control>
            <nz-radio-group id="upload-format" formControlName="format" aria-labelledby="upload-format-label">
              <label nz-radio-button nzValue="iso" id="upload-format-iso">iso</label>
              <label nz-radio-button nzValue="qcow2" id="upload-format-qcow2">qcow2</label>
              <label nz-radio-button nzValue="raw" id="upload-format-raw">raw</label>
            </nz-radio-group>
          </nz-form-control>
        </nz-form-item>

        @if (progress(); as p) {
          <div id="upload-status" class="status" [attr.data-phase]="p.phase" aria-live="polite">
            <nz-progress
              id="upload-progress"
              [nzPercent]="percent()"
              [nzStatus]="p.phase === 'failed' || p.phase === 'cancelled' ? 'exception' : p.phase === 'done' ? 'success' : 'active'"
              [attr.data-percent]="percent()"
              [attr.aria-label]="'storage.upload.progress' | t"
            />
            <div class="figures">
              <span id="upload-bytes">{{ 'storage.upload.bytes' | t: { sent: size(p.sent), total: size(p.total) } }}</span>
              @if (p.phase === 'sending') {
                <span id="upload-rate">{{ 'storage.upload.rate' | t: { rate: rate(p.rate) } }}</span>
                <span id="upload-eta">{{ 'storage.upload.eta' | t: { eta: eta(p.eta) } }}</span>
              }
            </div>
            <div class="phase">{{ phaseLabel() }}</div>
          </div>
        }
        @if (uploaded(); as volume) {
          <nz-alert
            id="upload-done"
            nzType="success"
            nzShowIcon
            [nzMessage]="'storage.upload.done' | t: { name: volume.name }"
          />
        }
      </form>
      <ng-template #footer>
        @if (busy()) {
          <button nz-button nzDanger type="button" id="upload-cancel" (click)="cancel()">
            {{ 'storage.upload.cancel' | t }}
          </button>
        } @else {
          <button nz-button type="button" id="upload-close" (click)="close()">{{ 'common.close' | t }}</button>
          @if (!uploaded()) {
            <button nz-button nzType="primary" type="submit" form="upload-form" id="upload-start">
              <nz-icon nzType="upload" />
              {{ 'storage.upload.start' | t }}
            </button>
          }
        }
      </ng-template>
    </nz-modal>
  `,
  styles: `
    .hint {
      margin-top: 2px;
      font-size: 12px;
      opacity: 0.75;
    }
    .file-input {
      display: block;
      max-width: 100%;
    }
    .file-facts,
    .phase {
      margin-top: 4px;
      font-size: 12px;
      opacity: 0.8;
    }
    .status {
      margin-bottom: 12px;
    }
    .figures {
      display: flex;
      flex-wrap: wrap;
      gap: 16px;
      font-variant-numeric: tabular-nums;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UploadImageDialog implements OnInit {
  private readonly uploads = inject(UploadService);
  private readonly i18n = inject(I18nService);
  protected readonly store = inject(StorageStore);
  readonly poolId = input<string | undefined>();
  readonly closed = output<void>();
  readonly uploadedVolume = output<Volume>();

  protected readonly file = signal<File | null>(null);
  protected readonly fileTouched = signal(false);
  private readonly handle = signal<UploadHandle | null>(null);
  protected readonly uploaded = signal<Volume | null>(null);
  protected readonly progress = computed(() => this.handle()?.progress() ?? null);
  protected readonly started = computed(
    () =>
      this.handle() !== null && this.progress()?.phase !== 'failed' && this.progress()?.phase !== 'cancelled',
  );
  protected readonly busy = computed(() => {
    const phase = this.progress()?.phase;
    return phase === 'sending' || phase === 'finishing';
  });
  protected readonly percent = computed(() => {
    const p = this.progress();
    if (!p || p.total === 0) return 0;
    return Math.min(100, Math.floor((p.sent / p.total) * 100));
  });
  protected readonly fileError = computed(() => {
    if (!this.fileTouched()) return '';
    const file = this.file();
    if (!file) return this.i18n.t('storage.upload.pickFile');
    if (file.size === 0) return this.i18n.t('storage.upload.emptyFile');
    return '';
  });
  protected readonly phaseLabel = computed(() => {
    const phase = this.progress()?.phase;
    return phase ? this.i18n.t(`storage.upload.phase.${phase}`) : '';
  });

  protected readonly form = inject(NonNullableFormBuilder).group({
    poolId: ['', Validators.required],
    name: ['', nameValidators],
    format: ['iso' as Format],
  });

  constructor() {
    // Leaving the page mid-way must not leave a request streaming in the background.
    inject(DestroyRef).onDestroy(() => this.handle()?.cancel());
  }

  ngOnInit(): void {
    const active = this.store.activePools();
    const preset = this.poolId() ?? (active.length === 1 ? active[0]!.id : undefined);
    if (preset && active.some((p) => p.id === preset)) this.form.controls.poolId.setValue(preset);
  }

  protected size(bytes: number): string {
    return formatBytes(bytes);
  }

  protected rate(bytesPerSecond: number): string {
    return (bytesPerSecond / 1024 ** 2).toFixed(1);
  }

  protected eta(seconds: number | null): string {
    return formatEta(seconds);
  }

  protected error(field: keyof typeof this.form.controls): string {
    const key = errorKey(this.form.controls[field]);
    return key ? this.i18n.t(key) : '';
  }

  protected pick(event: Event): void {
    const file = (event.target as HTMLInputElement).files?.[0] ?? null;
    this.file.set(file);
    this.fileTouched.set(true);
    this.handle.set(null);
    this.uploaded.set(null);
    if (!file) return;
    const format = guessFormat(file.name);
    if (format) this.form.controls.format.setValue(format);
    const name = this.form.controls.name;
    if (!name.dirty || !name.value) {
      name.setValue(guessName(file.name));
      name.markAsDirty();
      name.updateValueAndValidity();
    }
  }

  protected start(): void {
    this.fileTouched.set(true);
    const file = this.file();
    if (this.form.invalid || !file || file.size === 0) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    const { poolId, name, format } = this.form.getRawValue();
    const handle = this.uploads.upload(poolId, { name, format }, file);
    this.handle.set(handle);
    handle.done.then(
      ({ volume }) => {
        this.uploaded.set(volume);
        this.uploadedVolume.emit(volume);
      },
      () => {
        // Cancelled, or failed (the notification says why). The appliance removes the partial
        // volume; reload so no 'uploading' row stays behind.
        setTimeout(() => void this.store.loadVolumes(), 1500);
      },
    );
  }

  protected cancel(): void {
    this.handle()?.cancel();
  }

  protected close(): void {
    if (this.busy()) return;
    this.closed.emit();
  }
}
