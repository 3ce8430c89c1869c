import { Injectable, inject } from '@angular/core';
import type { Network, NetworksPost } from '@paddock/protocol/api/networks';
import { ApiClient, type ListParams, type Page, pathOf } from './api-client';

/** `/api/networks`: networks VMs attach to. */
@Injectable({ providedIn: 'root' })
export class NetworksApi {
  private readonly api = inject(ApiClient);

  list(params: ListParams & { type?: string } = {}): Promise<Page<Network>> {
    return this.api.list<Network>('/api/networks', { ...params });
  }

  get(id: string): Promise<Network> {
    return this.api.get<Network>(pathOf('/api/networks', id));
  }

  create(body: NetworksPost): Promise<Network> {
    return this.api.post<Network>('/api/networks', body);
  }

  delete(id: string): Promise<unknown> {
    return this.api.delete(pathOf('/api/networks', id));
  }
}
