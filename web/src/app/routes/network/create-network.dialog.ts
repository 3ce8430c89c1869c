import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { Network, NetworksPost } from '@paddock/protocol/api/networks';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzInputNumberModule } from 'ng-zorro-antd/input-number';
import { NzModalModule } from 'ng-zorro-antd/modal';
import { NetworksApi } from '../../core/api/networks.api';
import type { MessageKey } from '../../core/i18n/dictionaries/en';
import { I18nService } from '../../core/i18n/i18n.service';
import { DialogNameDirective } from '../../shared/a11y';
import { TranslatePipe } from '../../shared/translate.pipe';
import {
  BRIDGE_MAX,
  BRIDGE_PATTERN,
  CIDR_MAX,
  GATEWAY_MAX,
  MTU_MAX,
  MTU_MIN,
  NAME_MAX,
  NAME_PATTERN,
  cidr,
  errorKey,
  ipAddress,
} from './network-limits';

/** `POST /api/networks`: a network bound to a Linux bridge that exists on the nodes. */
@Component({
  selector: 'pd-create-network-dialog',
  imports: [
    DialogNameDirective,
    NzButtonModule,
    NzFormModule,
    NzInputModule,
    NzInputNumberModule,
    NzModalModule,
    ReactiveFormsModule,
    TranslatePipe,
  ],
  template: `
    <nz-modal
      [nzVisible]="true"
      [nzTitle]="'network.createTitle' | t"
      [pdDialogName]="'network.createTitle' | t"
      [nzFooter]="footer"
      [nzMaskClosable]="false"
      (nzOnCancel)="closed.emit()"
    >
      <form *nzModalContent nz-form nzLayout="vertical" id="create-network-form" [formGroup]="form" (ngSubmit)="submit()">
        <nz-form-item>
          <nz-form-label nzFor="network-name" nzRequired>{{ 'common.name' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('name', 'network.err.name')">
            <input nz-input id="network-name" formControlName="name" autocomplete="off" />
          </nz-form-control>
        </nz-form-item>
        <nz-form-item>
          <nz-form-label nzFor="network-bridge" nzRequired>{{ 'network.bridge' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('bridge', 'network.err.bridge')">
            <input nz-input id="network-bridge" formControlName="bridge" placeholder="br0" autocomplete="off" />
            <div class="hint">{{ 'network.hint.bridge' | t }}</div>
          </nz-form-control>
        </nz-form-item>
        <div class="row">
          <nz-form-item>
            <nz-form-label nzFor="network-cidr">{{ 'network.cidr' | t }}</nz-form-label>
            <nz-form-control [nzErrorTip]="error('cidr', 'network.err.cidr')">
              <input nz-input id="network-cidr" formControlName="cidr" placeholder="192.168.10.0/24" autocomplete="off" />
            </nz-form-control>
          </nz-form-item>
          <nz-form-item>
            <nz-form-label nzFor="network-gateway">{{ 'network.gateway' | t }}</nz-form-label>
            <nz-form-control [nzErrorTip]="error('gateway', 'network.err.ip')">
              <input nz-input id="network-gateway" formControlName="gateway" placeholder="192.168.10.1" autocomplete="off" />
            </nz-form-control>
          </nz-form-item>
        </div>
        <nz-form-item>
          <nz-form-label nzFor="network-mtu">{{ 'network.mtu' | t }}</nz-form-label>
          <nz-form-control [nzErrorTip]="error('mtu', 'network.err.mtu')">
            <nz-input-number nzId="network-mtu" formControlName="mtu" [nzMin]="mtuMin" [nzMax]="mtuMax" [nzStep]="1" [nzPrecision]="0" />
          </nz-form-control>
        </nz-form-item>
      </form>
      <ng-template #footer>
        <button nz-button type="button" id="create-network-cancel" (click)="closed.emit()">{{ 'common.cancel' | t }}</button>
        <button
          nz-button
          nzType="primary"
          type="submit"
          form="create-network-form"
          id="create-network-submit"
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
    .row {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreateNetworkDialog {
  private readonly networks = inject(NetworksApi);
  private readonly i18n = inject(I18nService);
  readonly closed = output<void>();
  readonly created = output<Network>();
  protected readonly saving = signal(false);
  protected readonly mtuMin = MTU_MIN;
  protected readonly mtuMax = MTU_MAX;

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, Validators.maxLength(NAME_MAX), Validators.pattern(NAME_PATTERN)]],
    bridge: ['', [Validators.required, Validators.maxLength(BRIDGE_MAX), Validators.pattern(BRIDGE_PATTERN)]],
    cidr: ['', [Validators.maxLength(CIDR_MAX), cidr]],
    gateway: ['', [Validators.maxLength(GATEWAY_MAX), ipAddress]],
    mtu: [1500 as number | null, [Validators.min(MTU_MIN), Validators.max(MTU_MAX)]],
  });

  protected error(field: keyof typeof this.form.controls, patternKey: MessageKey): string {
    const key = errorKey(this.form.controls[field], patternKey);
    return key ? this.i18n.t(key, { min: MTU_MIN, max: MTU_MAX }) : '';
  }

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      for (const control of Object.values(this.form.controls)) {
        control.markAsDirty();
        control.updateValueAndValidity();
      }
      return;
    }
    const value = this.form.getRawValue();
    const body: NetworksPost = { name: value.name, type: 'bridge', bridge: value.bridge };
    if (value.cidr.trim()) body.cidr = value.cidr.trim();
    if (value.gateway.trim()) body.gateway = value.gateway.trim();
    if (value.mtu !== null) body.mtu = value.mtu;
    this.saving.set(true);
    try {
      this.created.emit(await this.networks.create(body));
    } catch {
      // The interceptor shows why (e.g. the name is taken); the dialog stays open.
    } finally {
      this.saving.set(false);
    }
  }
}
