/** The authenticated caller of a request. */
export interface Principal {
  id: string;
  username: string;
  email: string | null;
  displayName: string | null;
  roles: string[];
  permissions: Set<string>;
}

/** Whether the principal holds `permission` (directly or through `*`). */
export function can(principal: Principal, permission: string): boolean {
  return principal.permissions.has('*') || principal.permissions.has(permission);
}
