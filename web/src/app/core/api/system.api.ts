import { Injectable, inject } from '@angular/core';
import type { SystemInfo } from '@paddock/protocol/api/system';
import { ApiClient } from './api-client';

/** `GET /api/system`: what the appliance runs on (version, database, Redis). */
@Injectable({ providedIn: 'root' })
export class SystemApi {
  private readonly api = inject(ApiClient);

  info(): Promise<SystemInfo> {
    return this.api.get<SystemInfo>('/api/system');
  }
}
