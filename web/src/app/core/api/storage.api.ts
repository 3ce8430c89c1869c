import { Injectable, inject } from '@angular/core';
import type {
  Pool,
  PoolAccepted,
  PoolsPost,
  TaskAccepted,
  UploadQuery,
  Volume,
  VolumeAccepted,
  VolumesPost,
} from '@paddock/protocol/api/storage';
import { ApiClient, type CallOptions, type ListParams, type Page, pathOf, toParams } from './api-client';

export interface PoolListParams extends ListParams {
  nodeId?: string;
  type?: string;
  status?: string;
}

export interface VolumeListParams extends ListParams {
  poolId?: string;
  vmId?: string;
  format?: string;
  status?: string;
}

/** `/api/storage`: pools, volumes and image uploads. */
@Injectable({ providedIn: 'root' })
export class StorageApi {
  private readonly api = inject(ApiClient);

  pools(params: PoolListParams = {}): Promise<Page<Pool>> {
    return this.api.list<Pool>('/api/storage/pools', { ...params });
  }

  /** `options.context` with SILENT_ERRORS when a 404 is an expected answer (the pool was deleted). */
  pool(id: string, options?: CallOptions): Promise<Pool> {
    return this.api.get<Pool>(pathOf('/api/storage/pools', id), undefined, options);
  }

  createPool(body: PoolsPost): Promise<PoolAccepted> {
    return this.api.post<PoolAccepted>('/api/storage/pools', body);
  }

  deletePool(id: string): Promise<TaskAccepted> {
    return this.api.delete<TaskAccepted>(pathOf('/api/storage/pools', id));
  }

  volumes(params: VolumeListParams = {}): Promise<Page<Volume>> {
    return this.api.list<Volume>('/api/storage/volumes', { ...params });
  }

  volume(id: string, options?: CallOptions): Promise<Volume> {
    return this.api.get<Volume>(pathOf('/api/storage/volumes', id), undefined, options);
  }

  createVolume(poolId: string, body: VolumesPost): Promise<VolumeAccepted> {
    return this.api.post<VolumeAccepted>(pathOf('/api/storage/pools', poolId, 'volumes'), body);
  }

  deleteVolume(id: string): Promise<TaskAccepted> {
    return this.api.delete<TaskAccepted>(pathOf('/api/storage/volumes', id));
  }

  /**
   * Where an upload goes: `POST` the file itself as the raw body (see UploadService, which streams it
   * with progress; HttpClient would read the whole file into memory first).
   */
  uploadPath(poolId: string, query: UploadQuery): string {
    return `${pathOf('/api/storage/pools', poolId, 'upload')}?${toParams({ ...query }).toString()}`;
  }
}
