import { IdParams, ListQuery, PageOf, Strict, Uuid } from '@paddock/protocol/api/common';
import {
  PermissionInfo,
  Role,
  RoleBinding,
  RoleBindingBody,
  RolePatch,
  RolesPost,
} from '@paddock/protocol/api/roles';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import type { RolesService } from './service.ts';

/** `/api/roles`, `/api/permissions` and `/api/role-bindings`. */
export function rolesRoutes(access: AccessPlugin, roles: RolesService) {
  return new Elysia({ prefix: '/api', detail: { tags: ['roles'] } })
    .use(access)
    .get('/roles', ({ query }) => roles.list(query), {
      access: 'roles:read',
      query: ListQuery({ builtin: Type.Optional(Type.Boolean()) }),
      response: PageOf(Role),
      detail: { summary: 'List roles' },
    })
    .post(
      '/roles',
      async ({ body, actor, set }) => {
        set.status = 201;
        return roles.create(actor, body);
      },
      {
        access: 'roles:create',
        body: RolesPost,
        response: { 201: Role },
        detail: { summary: 'Create a custom role' },
      },
    )
    .get('/roles/:id', ({ params }) => roles.get(params.id), {
      access: 'roles:read',
      params: IdParams,
      response: Role,
      detail: { summary: 'Show a role' },
    })
    .patch('/roles/:id', ({ params, body, actor }) => roles.update(actor, params.id, body), {
      access: 'roles:update',
      params: IdParams,
      body: RolePatch,
      response: Role,
      detail: { summary: "Change a role's description or permissions" },
    })
    .delete(
      '/roles/:id',
      async ({ params, actor, set }) => {
        await roles.delete(actor, params.id);
        set.status = 204;
      },
      { access: 'roles:delete', params: IdParams, detail: { summary: 'Delete a custom role' } },
    )
    .get('/permissions', () => roles.listPermissions(), {
      access: 'roles:read',
      response: Type.Array(PermissionInfo),
      detail: { summary: 'List every permission' },
    })
    .get('/role-bindings', ({ query }) => roles.listBindings(query), {
      access: 'roles:read',
      query: Type.Object({ userId: Type.Optional(Uuid), roleId: Type.Optional(Uuid) }, Strict),
      response: Type.Array(RoleBinding),
      detail: { summary: 'List role bindings' },
    })
    .post(
      '/role-bindings',
      async ({ body, actor, set }) => {
        await roles.bind(actor, body.userId, body.roleId);
        set.status = 204;
      },
      { access: 'users:update', body: RoleBindingBody, detail: { summary: 'Bind a role to a user' } },
    )
    .delete(
      '/role-bindings/:userId/:roleId',
      async ({ params, actor, set }) => {
        await roles.unbind(actor, params.userId, params.roleId);
        set.status = 204;
      },
      {
        access: 'users:update',
        params: Type.Object({ userId: Uuid, roleId: Uuid }, Strict),
        detail: { summary: 'Remove a role from a user' },
      },
    );
}
