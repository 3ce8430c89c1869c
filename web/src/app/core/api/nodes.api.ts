import { Injectable, inject } from '@angular/core';
import type { EnrollmentToken, Node, NodeDetail, NodeMetrics, NodePatch } from '@paddock/protocol/api/nodes';
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

  /** Heartbeat figures of the last `minutes` (1–60), oldest first. */
  metrics(id: string, minutes?: number): Promise<NodeMetrics> {
    return this.api.get<NodeMetrics>(pathOf('/api/nodes', id, 'metrics'), { minutes });
  }

  update(id: string, patch: NodePatch): Promise<NodeDetail> {
    return this.api.patch<NodeDetail>(pathOf('/api/nodes', id), patch);
  }

  issueEnrollmentToken(ttlSec?: number): Promise<EnrollmentToken> {
    return this.api.post<EnrollmentToken>('/api/nodes/enrollment-tokens', ttlSec ? { ttlSec } : {});
  }

  revoke(id: string): Promise<NodeDetail> {
    return this.api.post<NodeDetail>(pathOf('/api/nodes', id, 'revoke'));
  }

  delete(id: string): Promise<unknown> {
    return this.api.delete(pathOf('/api/nodes', id));
  }
}
