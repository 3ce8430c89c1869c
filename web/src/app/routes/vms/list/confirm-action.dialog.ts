import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCheckboxModule } from 'ng-zorro-antd/checkbox';
import { NZ_MODAL_DATA, NzModalRef } from 'ng-zorro-antd/modal';
import type { MessageKey } from '../../../core/i18n/dictionaries/en';
import { TranslatePipe } from '../../../shared/translate.pipe';
import type { ListAction } from './vm-actions';

export interface ConfirmActionData {
  action: ListAction;
  names: string[];
}

/** What the person agreed to; `undefined` from the modal means cancelled. */
export interface ConfirmActionResult {
  deleteDisks: boolean;
}

const SHOWN_NAMES = 8;

/** "Power off 3 VM(s)?" with the names, and for a delete whether the disks go too. */
@Component({
  selector: 'pd-confirm-action-dialog',
  imports: [FormsModule, NzButtonModule, NzCheckboxModule, TranslatePipe],
  template: `
    <h2 class="title" id="confirm-title">{{ titleKey() | t: { count: data.names.length } }}</h2>
    @if (bodyKey(); as body) {
      <p>{{ body | t }}</p>
    }
    <ul class="names" id="confirm-names">
      @for (name of shown(); track name) {
        <li>{{ name }}</li>
      }
      @if (hidden() > 0) {
        <li>{{ 'vms.confirm.andMore' | t: { count: hidden() } }}</li>
      }
    </ul>
    @if (data.action === 'delete') {
      <label nz-checkbox id="confirm-delete-disks" [ngModel]="deleteDisks()" (ngModelChange)="deleteDisks.set($event)">
        {{ 'vms.confirm.deleteDisks' | t }}
      </label>
    }
    <div class="footer">
      <button nz-button id="confirm-cancel" type="button" (click)="ref.close()">{{ 'common.cancel' | t }}</button>
      <button
        nz-button
        nzType="primary"
        id="confirm-ok"
        type="button"
        [nzDanger]="data.action !== 'start' && data.action !== 'shutdown'"
        (click)="ref.close({ deleteDisks: deleteDisks() })"
      >
        {{ actionKey() | t }}
      </button>
    </div>
  `,
  styles: `
    .title {
      font-size: 16px;
      font-weight: 600;
      margin: 0 0 12px;
    }
    .names {
      max-height: 200px;
      overflow: auto;
      padding-left: 20px;
    }
    .footer {
      display: flex;
      justify-content: flex-end;
      gap: 8px;
      margin-top: 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmActionDialog {
  protected readonly data = inject<ConfirmActionData>(NZ_MODAL_DATA);
  protected readonly ref = inject<NzModalRef<ConfirmActionDialog, ConfirmActionResult>>(NzModalRef);
  protected readonly deleteDisks = signal(false);
  protected readonly shown = computed(() => this.data.names.slice(0, SHOWN_NAMES));
  protected readonly hidden = computed(() => Math.max(0, this.data.names.length - SHOWN_NAMES));
  protected readonly titleKey = computed(() => `vms.confirm.title.${this.data.action}` as MessageKey);
  protected readonly actionKey = computed(() => `vms.action.${this.data.action}` as MessageKey);
  protected readonly bodyKey = computed(() => {
    const key = `vms.confirm.body.${this.data.action}`;
    return key === 'vms.confirm.body.stop' ||
      key === 'vms.confirm.body.reboot' ||
      key === 'vms.confirm.body.delete'
      ? (key as MessageKey)
      : null;
  });
}
