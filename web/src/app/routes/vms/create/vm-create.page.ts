import {
  ChangeDetectionStrategy,
  Component,
  ViewEncapsulation,
  computed,
  inject,
  signal,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ReactiveFormsModule } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import type { Network } from '@paddock/protocol/api/networks';
import type { Pool, Volume } from '@paddock/protocol/api/storage';
import type { PlacementAnswer, VmsPost } from '@paddock/protocol/api/vms';
import { NzAlertModule } from 'ng-zorro-antd/alert';
import { NzBadgeModule } from 'ng-zorro-antd/badge';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzCardModule } from 'ng-zorro-antd/card';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzFormModule } from 'ng-zorro-antd/form';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzInputModule } from 'ng-zorro-antd/input';
import { NzInputNumberModule } from 'ng-zorro-antd/input-number';
import { NzMessageService } from 'ng-zorro-antd/message';
import { NzRadioModule } from 'ng-zorro-antd/radio';
import { NzSelectModule } from 'ng-zorro-antd/select';
import { NzSpinModule } from 'ng-zorro-antd/spin';
import { NzStepsModule } from 'ng-zorro-antd/steps';
import { NzTableModule } from 'ng-zorro-antd/table';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NetworksApi } from '../../../core/api/networks.api';
import { StorageApi } from '../../../core/api/storage.api';
import { VmsApi } from '../../../core/api/vms.api';
import { Permissions } from '../../../core/auth/permissions';
import type { MessageKey } from '../../../core/i18n/dictionaries/en';
import { I18nService } from '../../../core/i18n/i18n.service';
import { BytesPipe } from '../../../shared/format.pipes';
import { PageHeaderComponent } from '../../../shared/page-header.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { NodeNamesStore } from '../list/node-names.store';
import {
  VM_LIMITS,
  type DiskKind,
  checkStep,
  createVmForm,
  diskForm,
  nicForm,
  toBody,
} from './vm-create.form';

const STEPS = ['basics', 'resources', 'disks', 'cdrom', 'networks', 'placement', 'review'] as const;
type Step = (typeof STEPS)[number];
// Pools, volumes and networks of a fleet fit in one page of the API's largest size.
const ALL = 500;

/**
 * `/vms/new`: the create wizard. Each step is checked with the API's limits before the next; the
 * review asks `POST /api/vms/placement-preview` and shows every node's answer before submitting.
 */
@Component({
  selector: 'pd-vm-create-page',
  imports: [
    BytesPipe,
    NzAlertModule,
    NzBadgeModule,
    NzButtonModule,
    NzCardModule,
    NzDescriptionsModule,
    NzFormModule,
    NzIconModule,
    NzInputModule,
    NzInputNumberModule,
    NzRadioModule,
    NzSelectModule,
    NzSpinModule,
    NzStepsModule,
    NzTableModule,
    NzTagModule,
    PageHeaderComponent,
    ReactiveFormsModule,
    RouterLink,
    TranslatePipe,
  ],
  templateUrl: './vm-create.page.html',
  styleUrl: './vm-create.page.css',
  // ng-zorro's inner elements need restyling (contrast); unencapsulated rules scoped by the page's
  // element do that without the deprecated ::ng-deep.
  encapsulation: ViewEncapsulation.None,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmCreatePage {
  private readonly vms = inject(VmsApi);
  private readonly storage = inject(StorageApi);
  private readonly networksApi = inject(NetworksApi);
  private readonly router = inject(Router);
  private readonly message = inject(NzMessageService);
  private readonly i18n = inject(I18nService);
  private readonly permissions = inject(Permissions);
  protected readonly nodes = inject(NodeNamesStore);

  protected readonly limits = VM_LIMITS;
  protected readonly steps = STEPS;
  protected readonly form = createVmForm();
  protected readonly current = signal(0);
  protected readonly step = computed<Step>(() => STEPS[this.current()]!);

  protected readonly pools = signal<Pool[]>([]);
  protected readonly volumes = signal<Volume[]>([]);
  protected readonly networks = signal<Network[]>([]);
  protected readonly isos = computed(() => this.volumes().filter((v) => v.format === 'iso'));
  /** Ready volumes no VM uses, that can become a disk. */
  protected readonly freeVolumes = computed(() =>
    this.volumes().filter((v) => v.format !== 'iso' && !v.vmId),
  );

  protected readonly preview = signal<PlacementAnswer | null>(null);
  protected readonly previewing = signal(false);
  protected readonly submitting = signal(false);
  protected readonly body = signal<VmsPost | null>(null);
  // Re-rendered when the form changes (the template reads the form's arrays).
  protected readonly formValue = toSignal(this.form.valueChanges, { initialValue: this.form.getRawValue() });

  protected readonly chosenNode = computed(() => {
    const nodeId = this.preview()?.nodeId;
    if (!nodeId) return null;
    return (
      this.preview()?.candidates.find((c) => c.nodeId === nodeId)?.hostname ?? this.nodes.hostname(nodeId)
    );
  });

  constructor() {
    void this.nodes.load();
    void this.loadChoices();
  }

  private async loadChoices(): Promise<void> {
    const storage = this.permissions.can('storage:read');
    const [pools, volumes, networks] = await Promise.all([
      storage ? this.storage.pools({ pageSize: ALL, status: 'active' }).catch(() => null) : null,
      storage ? this.storage.volumes({ pageSize: ALL, status: 'ready' }).catch(() => null) : null,
      this.permissions.can('networks:read')
        ? this.networksApi.list({ pageSize: ALL }).catch(() => null)
        : null,
    ]);
    this.pools.set(pools?.items ?? []);
    this.volumes.set(volumes?.items ?? []);
    this.networks.set(networks?.items ?? []);
  }

  protected stepTitle(step: Step): string {
    return this.i18n.t(`vms.wizard.step.${step}` as MessageKey);
  }

  protected poolLabel(pool: Pool): string {
    return `${pool.name} · ${this.nodes.hostname(pool.nodeId)} · ${Math.max(0, pool.sizeGb - pool.usedGb).toFixed(1)} GiB free`;
  }

  protected nodeLabel(node: { hostname: string; status: string }): string {
    return `${node.hostname} (${this.i18n.lookup(`state.${node.status}`) ?? node.status})`;
  }

  protected poolName(poolId: string): string {
    return this.pools().find((p) => p.id === poolId)?.name ?? poolId.slice(0, 8);
  }

  protected volumeLabel(volume: Volume): string {
    return `${volume.name} (${this.poolName(volume.poolId)}, ${volume.sizeGb} GiB)`;
  }

  protected networkName(id: string | null): string {
    return this.networks().find((n) => n.id === id)?.name ?? id ?? '';
  }

  protected volumeName(id: string | null): string {
    return this.volumes().find((v) => v.id === id)?.name ?? id ?? '';
  }

  // --- disks and NICs ---

  protected addDisk(kind: DiskKind): void {
    if (this.form.controls.disks.length >= VM_LIMITS.disksMax) return;
    const pool = this.pools()[0];
    this.form.controls.disks.push(diskForm(kind, { poolId: pool?.id ?? null, sizeGb: 1 }));
  }

  protected removeDisk(index: number): void {
    this.form.controls.disks.removeAt(index);
  }

  protected addNic(): void {
    if (this.form.controls.nics.length >= VM_LIMITS.nicsMax) return;
    this.form.controls.nics.push(nicForm(this.networks()[0]?.id ?? null));
  }

  protected removeNic(index: number): void {
    this.form.controls.nics.removeAt(index);
  }

  // --- steps ---

  private controlOf(step: Step) {
    const c = this.form.controls;
    switch (step) {
      case 'basics':
        return c.basics;
      case 'resources':
        return c.resources;
      case 'disks':
        return c.disks;
      case 'cdrom':
        return c.cdrom;
      case 'networks':
        return c.nics;
      case 'placement':
        return c.placement;
      case 'review':
        return this.form;
    }
  }

  protected next(): void {
    if (!checkStep(this.controlOf(this.step()))) {
      this.message.warning(this.i18n.t('vms.wizard.fixErrors'));
      return;
    }
    this.goTo(this.current() + 1);
  }

  protected previous(): void {
    this.goTo(this.current() - 1);
  }

  /** Steps already passed can be revisited from the step bar; later ones only through Next. */
  protected jump(index: number): void {
    if (index < this.current()) this.goTo(index);
  }

  private goTo(index: number): void {
    const bounded = Math.max(0, Math.min(STEPS.length - 1, index));
    this.current.set(bounded);
    if (STEPS[bounded] === 'review') void this.runPreview();
  }

  protected async runPreview(): Promise<void> {
    if (!checkStep(this.form)) return;
    const body = toBody(this.form);
    this.body.set(body);
    this.preview.set(null);
    this.previewing.set(true);
    try {
      this.preview.set(await this.vms.preview(body));
    } catch {
      // Reported by the interceptor.
    } finally {
      this.previewing.set(false);
    }
  }

  protected async submit(): Promise<void> {
    const body = this.body();
    if (!body || !this.preview()?.nodeId || this.submitting()) return;
    this.submitting.set(true);
    try {
      const { vm } = await this.vms.create(body);
      this.message.success(this.i18n.t('vms.wizard.created', { name: vm.name }));
      await this.router.navigate(['/vms', vm.id]);
    } catch {
      // Reported by the interceptor (a name taken meanwhile, no node left...): the review stays.
    } finally {
      this.submitting.set(false);
    }
  }

  protected hasError(control: { invalid: boolean; dirty: boolean; touched: boolean }): boolean {
    return control.invalid && (control.dirty || control.touched);
  }
}
