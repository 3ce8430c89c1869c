import { Injectable, inject } from '@angular/core';
import type { EnrollmentToken, Node, NodeDetail, NodePatch } from '@paddock/protocol/api/nodes';
import { ApiClient, type ListParams, type Page, pathOf } from './api-client';

export interface NodeListParams extends ListParams {
  status?: 'online' | 'offline' | 'maintenance';
  maintenance?: boolean;
  virtType?: 'kvm' | 'qemu';
}

/** `/api/nodes`: hypervisor hosts, their enrollment and administration. */
@Injectable({ providedIn: 'root' })
export class NodesApi {
  private readonly api = inject(ApiClient);

  list(params: NodeListParams = {}): Promise<Page<Node>> {
    return this.api.list<Node>('/api/nodes', { ...params });
  }

  get(id: string): Promise<NodeDetail> {
    return this.api.get<NodeDetail>(pathOf('/api/nodes', id));
  }

  update(id: string, patch: NodePatch): Promise<Node> {
    return this.api.patch<Node>(pathOf('/api/nodes', id), patch);
  }

  issueEnrollmentToken(ttlSec?: number): Promise<EnrollmentToken> {
    return this.api.post<EnrollmentToken>('/api/nodes/enrollment-tokens', ttlSec ? { ttlSec } : {});
  }

  revoke(id: string): Promise<unknown> {
    return this.api.post(pathOf('/api/nodes', id, 'revoke'));
  }

  delete(id: string): Promise<unknown> {
    return this.api.delete(pathOf('/api/nodes', id));
  }
}
