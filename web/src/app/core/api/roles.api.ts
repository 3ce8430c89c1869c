import { Injectable, inject } from '@angular/core';
import type { PermissionInfo, Role, RoleBinding, RolePatch, RolesPost } from '@paddock/protocol/api/roles';
import { ApiClient, type ListParams, type Page, pathOf } from './api-client';

/** `/api/roles`, `/api/permissions`, `/api/role-bindings`. */
@Injectable({ providedIn: 'root' })
export class RolesApi {
  private readonly api = inject(ApiClient);

  list(params: ListParams & { builtin?: boolean } = {}): Promise<Page<Role>> {
    return this.api.list<Role>('/api/roles', { ...params });
  }

  get(id: string): Promise<Role> {
    return this.api.get<Role>(pathOf('/api/roles', id));
  }

  create(body: RolesPost): Promise<Role> {
    return this.api.post<Role>('/api/roles', body);
  }

  update(id: string, patch: RolePatch): Promise<Role> {
    return this.api.patch<Role>(pathOf('/api/roles', id), patch);
  }

  delete(id: string): Promise<unknown> {
    return this.api.delete(pathOf('/api/roles', id));
  }

  permissions(): Promise<PermissionInfo[]> {
    return this.api.get<PermissionInfo[]>('/api/permissions');
  }

  bindings(query: { userId?: string; roleId?: string } = {}): Promise<RoleBinding[]> {
    return this.api.get<RoleBinding[]>('/api/role-bindings', { ...query });
  }

  bind(userId: string, roleId: string): Promise<unknown> {
    return this.api.post('/api/role-bindings', { userId, roleId });
  }

  unbind(userId: string, roleId: string): Promise<unknown> {
    return this.api.delete(pathOf('/api/role-bindings', userId, roleId));
  }
}
