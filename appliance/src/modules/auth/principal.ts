/** The authenticated caller of a request. */
export interface Principal {
  id: string;
  username: string;
  email: string | null;
  displayName: string | null;
  roles: string[];
  permissions: Set<string>;
  /** The login (refresh-token family) the access token belongs to; absent for older tokens. */
  sessionId?: string;
}

/** Whether the principal holds `permission` (directly or through `*`). */
export function can(principal: Principal, permission: string): boolean {
  return principal.permissions.has('*') || principal.permissions.has(permission);
}
