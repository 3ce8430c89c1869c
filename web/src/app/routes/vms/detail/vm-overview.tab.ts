import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Volume } from '@paddock/protocol/api/storage';
import { NzDescriptionsModule } from 'ng-zorro-antd/descriptions';
import { NzTagModule } from 'ng-zorro-antd/tag';
import { NodesApi } from '../../../core/api/nodes.api';
import { StorageApi } from '../../../core/api/storage.api';
import { BytesPipe, WhenPipe } from '../../../shared/format.pipes';
import { StateTagComponent } from '../../../shared/state-tag.component';
import { TranslatePipe } from '../../../shared/translate.pipe';
import { VmDetailStore } from './vm-detail.store';

/** What the VM is: state, placement, resources, tags, description, dates. */
@Component({
  selector: 'pd-vm-overview-tab',
  imports: [
    RouterLink,
    NzDescriptionsModule,
    NzTagModule,
    BytesPipe,
    StateTagComponent,
    TranslatePipe,
    WhenPipe,
  ],
  template: `
    @if (store.vm(); as vm) {
      <nz-descriptions id="vm-overview" nzBordered [nzColumn]="{ xxl: 2, xl: 2, lg: 2, md: 1, sm: 1, xs: 1 }" nzSize="small">
        <nz-descriptions-item [nzTitle]="'common.status' | t">
          <span id="overview-state"><pd-state-tag [state]="vm.status" /></span>
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'common.node' | t">
          @if (vm.nodeId) {
            <a id="overview-node" [routerLink]="['/nodes', vm.nodeId]">{{ nodeName() ?? vm.nodeId }}</a>
          } @else {
            {{ 'common.none' | t }}
          }
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'vmDetail.vcpu' | t">
          <span id="overview-vcpu">{{ vm.vcpu }}</span>
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'vmDetail.memory' | t">
          <span id="overview-memory" [attr.data-mb]="vm.memoryMb">{{ vm.memoryMb * 1048576 | bytes }}</span>
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'vmDetail.tab.disks' | t">
          <a id="overview-disks" routerLink="." [queryParams]="{ tab: 'disks' }">
            {{ 'vmDetail.diskCount' | t: { count: vm.diskIds.length } }}
          </a>
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'vmDetail.tab.nics' | t">
          <a id="overview-nics" routerLink="." [queryParams]="{ tab: 'nics' }">
            {{ 'vmDetail.nicCount' | t: { count: vm.nics.length } }}
          </a>
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'vmDetail.cdrom' | t">
          {{ cdrom()?.name ?? (vm.cdromVolumeId ? vm.cdromVolumeId : ('common.none' | t)) }}
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'vmDetail.managed' | t">
          {{ (vm.managed ? 'common.yes' : 'common.no') | t }}
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'vmDetail.tags' | t">
          <span id="overview-tags">
            @for (tag of vm.tags; track tag) {
              <nz-tag>{{ tag }}</nz-tag>
            } @empty {
              {{ 'common.none' | t }}
            }
          </span>
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'vmDetail.uuid' | t">
          <code>{{ vm.uuid }}</code>
        </nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'common.created' | t">{{ vm.createdAt | when }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'common.updated' | t">{{ vm.updatedAt | when }}</nz-descriptions-item>
        <nz-descriptions-item [nzTitle]="'common.description' | t" [nzSpan]="2">
          <span id="overview-description" class="description">{{ vm.description || ('common.none' | t) }}</span>
        </nz-descriptions-item>
      </nz-descriptions>
    }
  `,
  styles: `
    .description {
      white-space: pre-wrap;
    }
    code {
      word-break: break-all;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class VmOverviewTab {
  protected readonly store = inject(VmDetailStore);
  private readonly nodes = inject(NodesApi);
  private readonly storage = inject(StorageApi);
  protected readonly nodeName = signal<string | null>(null);
  protected readonly cdrom = signal<Volume | null>(null);
  private readonly nodeId = computed(() => this.store.vm()?.nodeId ?? null);
  private readonly cdromId = computed(() => this.store.vm()?.cdromVolumeId ?? null);

  constructor() {
    // Names for ids; a failure leaves the id shown (the interceptor reports it).
    effect(() => {
      const id = this.nodeId();
      this.nodeName.set(null);
      if (id)
        this.nodes.get(id).then(
          (n) => this.nodeName.set(n.hostname),
          () => undefined,
        );
    });
    effect(() => {
      const id = this.cdromId();
      this.cdrom.set(null);
      if (id)
        this.storage.volume(id).then(
          (v) => this.cdrom.set(v),
          () => undefined,
        );
    });
  }
}
