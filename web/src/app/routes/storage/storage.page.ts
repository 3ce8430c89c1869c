import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { PoolAccepted, Volume, VolumeAccepted } from '@paddock/protocol/api/storage';
import { NzButtonModule } from 'ng-zorro-antd/button';
import { NzIconModule } from 'ng-zorro-antd/icon';
import { NzTabsModule } from 'ng-zorro-antd/tabs';
import { CanDirective } from '../../shared/can.directive';
import { PageHeaderComponent } from '../../shared/page-header.component';
import { TranslatePipe } from '../../shared/translate.pipe';
import { CreatePoolDialog } from './pools/create-pool.dialog';
import { PoolListComponent } from './pools/pool-list.component';
import { StorageStore } from './storage.store';
import { UploadImageDialog } from './upload/upload-image.dialog';
import { CreateVolumeDialog } from './volumes/create-volume.dialog';
import { VolumeListComponent } from './volumes/volume-list.component';

const TABS = ['pools', 'volumes'] as const;
type Tab = (typeof TABS)[number];
type Dialog = 'pool' | 'volume' | 'upload' | null;

/** `/storage?tab=pools|volumes`: pools and volumes, with create, delete and image upload. */
@Component({
  selector: 'pd-storage-page',
  imports: [
    CanDirective,
    CreatePoolDialog,
    CreateVolumeDialog,
    NzButtonModule,
    NzIconModule,
    NzTabsModule,
    PageHeaderComponent,
    PoolListComponent,
    TranslatePipe,
    UploadImageDialog,
    VolumeListComponent,
  ],
  providers: [StorageStore],
  template: `
    <pd-page-header [title]="'nav.storage' | t">
      <div class="actions">
        <button nz-button type="button" id="storage-refresh" [attr.aria-label]="'common.refresh' | t" (click)="store.reloadAll()">
          <nz-icon nzType="reload" />
        </button>
        <ng-container *pdCan="'storage:create'">
          <button nz-button type="button" id="upload-image" (click)="dialog.set('upload')">
            <nz-icon nzType="upload" />
            {{ 'storage.upload.open' | t }}
          </button>
          @if (tabIndex() === 0) {
            <button nz-button nzType="primary" type="button" id="create-pool" (click)="dialog.set('pool')">
              <nz-icon nzType="plus" />
              {{ 'storage.pool.create' | t }}
            </button>
          } @else {
            <button nz-button nzType="primary" type="button" id="create-volume" (click)="dialog.set('volume')">
              <nz-icon nzType="plus" />
              {{ 'storage.volume.create' | t }}
            </button>
          }
        </ng-container>
      </div>
    </pd-page-header>

    <nz-tabs [nzSelectedIndex]="tabIndex()" (nzSelectedIndexChange)="select($event)" [nzAnimated]="false">
      <nz-tab [nzTitle]="poolsTitle" id="tab-pools">
        <ng-template #poolsTitle><span id="tab-pools-title">{{ 'storage.tab.pools' | t }}</span></ng-template>
        <ng-template nz-tab>
          <pd-pool-list />
        </ng-template>
      </nz-tab>
      <nz-tab [nzTitle]="volumesTitle" id="tab-volumes">
        <ng-template #volumesTitle><span id="tab-volumes-title">{{ 'storage.tab.volumes' | t }}</span></ng-template>
        <ng-template nz-tab>
          <pd-volume-list />
        </ng-template>
      </nz-tab>
    </nz-tabs>

    @switch (dialog()) {
      @case ('pool') {
        <pd-create-pool-dialog (closed)="dialog.set(null)" (created)="poolCreated($event)" />
      }
      @case ('volume') {
        <pd-create-volume-dialog
          [poolId]="store.volumeFilters().poolId"
          (closed)="dialog.set(null)"
          (created)="volumeCreated($event)"
        />
      }
      @case ('upload') {
        <pd-upload-image-dialog
          [poolId]="store.volumeFilters().poolId"
          (closed)="dialog.set(null)"
          (uploadedVolume)="uploaded($event)"
        />
      }
    }
  `,
  styles: `
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StoragePage {
  private readonly router = inject(Router);
  protected readonly store = inject(StorageStore);
  /** `?tab=` (router input binding). */
  readonly tab = input<string>();
  protected readonly dialog = signal<Dialog>(null);
  protected readonly tabIndex = computed(() => Math.max(0, TABS.indexOf((this.tab() ?? 'pools') as Tab)));

  constructor() {
    void this.store.loadNodes();
    this.store.reloadAll();
  }

  protected select(index: number): void {
    const tab = TABS[index] ?? 'pools';
    void this.router.navigate([], { queryParams: { tab }, queryParamsHandling: 'merge', replaceUrl: true });
  }

  protected poolCreated({ pool, task }: PoolAccepted): void {
    this.dialog.set(null);
    this.store.upsertPool(pool);
    this.store.follow('pool', pool.id, task);
  }

  protected volumeCreated({ volume, task }: VolumeAccepted): void {
    this.dialog.set(null);
    this.store.upsertVolume(volume);
    this.store.follow('volume', volume.id, task);
    if (this.tabIndex() !== 1) this.select(1);
  }

  protected uploaded(volume: Volume): void {
    this.store.upsertVolume(volume);
    void this.store.loadPools();
    if (this.tabIndex() !== 1) this.select(1);
  }
}
