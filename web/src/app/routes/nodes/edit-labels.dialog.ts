import {
  ChangeDetectionStrategy,
  Component,
  type OnInit,
  computed,
  input,
  output,
  signal,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzModalModule } from 'ng-zorro-antd/modal';
import type { MessageKey } from '../../core/i18n/dictionaries/en';
import { TranslatePipe } from '../../shared/translate.pipe';
import { labelDialogBy } from '../../shared/a11y';

// The limits of NodePatch.labels in protocol/src/api/nodes.ts.
const KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const KEY_MAX = 63;
const VALUE_MAX = 256;
const MAX_LABELS = 64;

interface Row {
  key: string;
  value: string;
}

/** Edits a node's labels as key/value rows, checked against the API's limits before saving. */
@Component({
  selector: 'pd-edit-labels-dialog',
  imports: [
    FormsModule,
    NzButtonModule,
    NzFormModule,
    NzIconModule,
    NzInputModule,
    NzModalModule,
    TranslatePipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="title"
      [nzFooter]="footer"
      (nzOnCancel)="closed.emit()"
      (nzAfterOpen)="nameDialog('labels-title')"
    >
      <ng-template #title><span id="labels-title">{{ 'nodes.labelsOf' | t: { name: name() } }}</span></ng-template>
      <ng-container *nzModalContent>
        <form id="labels-form" (ngSubmit)="save()">
          @for (row of rows(); track $index; let i = $index) {
            <div class="row">
              <nz-form-item>
                <nz-form-control [nzErrorTip]="keyError(i) ? (keyError(i)! | t) : ''" [nzValidateStatus]="keyError(i) ? 'error' : ''">
                  <input
                    nz-input
                    [id]="'label-key-' + i"
                    [name]="'key' + i"
                    [ngModel]="row.key"
                    (ngModelChange)="set(i, 'key', $event)"
                    [placeholder]="'nodes.labelKey' | t"
                    [attr.aria-label]="'nodes.labelKey' | t"
                    maxlength="63"
                  />
                </nz-form-control>
              </nz-form-item>
              <nz-form-item>
                <nz-form-control [nzErrorTip]="row.value.length > 256 ? ('nodes.labelValueTooLong' | t) : ''">
                  <input
                    nz-input
                    [id]="'label-value-' + i"
                    [name]="'value' + i"
                    [ngModel]="row.value"
                    (ngModelChange)="set(i, 'value', $event)"
                    [placeholder]="'nodes.labelValue' | t"
                    [attr.aria-label]="'nodes.labelValue' | t"
                    maxlength="256"
                  />
                </nz-form-control>
              </nz-form-item>
              <button
                type="button"
                nz-button
                nzType="text"
                [id]="'label-remove-' + i"
                [attr.aria-label]="'nodes.removeLabel' | t: { key: row.key }"
                (click)="remove(i)"
              >
                <nz-icon nzType="minus-circle" />
              </button>
            </div>
          } @empty {
            <p>{{ 'nodes.noLabels' | t }}</p>
          }
          @if (rows().length >= maxLabels) {
            <p class="error">{{ 'nodes.labelsTooMany' | t }}</p>
          }
          <button id="label-add" type="button" nz-button nzType="dashed" [disabled]="rows().length >= maxLabels" (click)="add()">
            <nz-icon nzType="plus" />{{ 'nodes.addLabel' | t }}
          </button>
        </form>
      </ng-container>
      <ng-template #footer>
        <button type="button" nz-button (click)="closed.emit()">{{ 'common.cancel' | t }}</button>
        <button id="labels-save" type="button" nz-button nzType="primary" [disabled]="!valid()" [nzLoading]="saving()" (click)="save()">
          {{ 'common.save' | t }}
        </button>
      </ng-template>
    </nz-modal>
  `,
  styles: `
    .row {
      display: grid;
      grid-template-columns: 1fr 1fr auto;
      gap: 8px;
      align-items: start;
    }
    .row nz-form-item {
      margin-bottom: 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class EditLabelsDialog implements OnInit {
  protected readonly nameDialog = labelDialogBy;
  readonly name = input.required<string>();
  readonly labels = input.required<Record<string, string>>();
  /** Whether a save is in flight (the page sends it). */
  readonly saving = input(false);
  readonly saved = output<Record<string, string>>();
  readonly closed = output<void>();

  protected readonly maxLabels = MAX_LABELS;
  protected readonly rows = signal<Row[]>([]);
  protected readonly valid = computed(() =>
    this.rows().every((_, i) => !this.keyError(i) && (this.rows()[i]?.value.length ?? 0) <= VALUE_MAX),
  );

  ngOnInit(): void {
    this.rows.set(Object.entries(this.labels()).map(([key, value]) => ({ key, value })));
  }

  protected keyError(i: number): MessageKey | null {
    const rows = this.rows();
    const key = rows[i]?.key.trim() ?? '';
    if (!KEY.test(key) || key.length > KEY_MAX) return 'nodes.labelKeyInvalid';
    if (rows.findIndex((r) => r.key.trim() === key) !== i) return 'nodes.labelKeyDuplicate';
    return null;
  }

  protected set(i: number, field: keyof Row, value: string): void {
    this.rows.update((rows) => rows.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
  }

  protected add(): void {
    this.rows.update((rows) => [...rows, { key: '', value: '' }]);
  }

  protected remove(i: number): void {
    this.rows.update((rows) => rows.filter((_, j) => j !== i));
  }

  protected save(): void {
    if (!this.valid()) return;
    this.saved.emit(Object.fromEntries(this.rows().map((r) => [r.key.trim(), r.value])));
  }
}
