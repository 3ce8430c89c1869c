import { Injectable, inject } from '@angular/core';
import type { AuditLog, AuditQuery } from '@paddock/protocol/api/audit';
import { ApiClient, type Page } from './api-client';

/** `/api/audit`: the audit log, newest first. */
@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly api = inject(ApiClient);

  search(query: AuditQuery = {}): Promise<Page<AuditLog>> {
    return this.api.list<AuditLog>('/api/audit', { ...query });
  }
}
