import { Injectable, computed, inject } from '@angular/core';
import type { Permission } from '@paddock/protocol/api/permissions';
import { AuthService } from './auth.service';

/**
 * What the signed-in user may do, as the appliance told us (`/api/auth/me`, login, refresh). Pages
 * show a mutating control only when this says yes, so nobody meets a button that answers 403.
 * The appliance still checks every request; this only shapes the page.
 */
@Injectable({ providedIn: 'root' })
export class Permissions {
  private readonly auth = inject(AuthService);
  private readonly granted = computed(() => new Set(this.auth.user()?.permissions ?? []));

  /** Reactive when read in a template or computed. */
  can(permission: Permission): boolean {
    const granted = this.granted();
    return granted.has('*') || granted.has(permission);
  }

  canAll(...permissions: Permission[]): boolean {
    return permissions.every((p) => this.can(p));
  }
}
