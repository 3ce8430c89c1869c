import { Injectable, inject } from '@angular/core';
import type { Dashboard } from '@paddock/protocol/api/dashboard';
import { ApiClient } from './api-client';

/** `GET /api/dashboard`: the overview in one call; sections the user may not read are absent. */
@Injectable({ providedIn: 'root' })
export class DashboardApi {
  private readonly api = inject(ApiClient);

  summary(): Promise<Dashboard> {
    return this.api.get<Dashboard>('/api/dashboard');
  }
}
