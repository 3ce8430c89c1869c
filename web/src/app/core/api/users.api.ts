import { Injectable, inject } from '@angular/core';
import type { PasswordChange, User, UserPatch, UsersPost } from '@paddock/protocol/api/users';
import { ApiClient, type CallOptions, type ListParams, type Page, pathOf } from './api-client';

/** `/api/users` and the signed-in user's own password. */
@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly api = inject(ApiClient);

  list(params: ListParams & { enabled?: boolean; role?: string } = {}): Promise<Page<User>> {
    return this.api.list<User>('/api/users', { ...params });
  }

  get(id: string): Promise<User> {
    return this.api.get<User>(pathOf('/api/users', id));
  }

  create(body: UsersPost): Promise<User> {
    return this.api.post<User>('/api/users', body);
  }

  update(id: string, patch: UserPatch): Promise<User> {
    return this.api.patch<User>(pathOf('/api/users', id), patch);
  }

  delete(id: string): Promise<unknown> {
    return this.api.delete(pathOf('/api/users', id));
  }

  setRoles(id: string, roles: string[]): Promise<User> {
    return this.api.put<User>(pathOf('/api/users', id, 'roles'), { roles });
  }

  changeOwnPassword(body: PasswordChange, options?: CallOptions): Promise<unknown> {
    return this.api.post('/api/auth/password', body, undefined, options);
  }
}
