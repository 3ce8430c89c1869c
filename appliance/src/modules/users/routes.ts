import { IdParams, ListQuery, PageOf } from '@paddock/protocol/api/common';
import { User, UserPatch, UserRolesPut, UsersPost } from '@paddock/protocol/api/users';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import type { UsersService } from './service.ts';

const UserListQuery = ListQuery({
  enabled: Type.Optional(Type.Boolean()),
  role: Type.Optional(Type.String({ maxLength: 64 })),
});

/** `/api/users`: user administration. */
export function usersRoutes(access: AccessPlugin, users: UsersService) {
  return new Elysia({ prefix: '/api/users', detail: { tags: ['users'] } })
    .use(access)
    .get('/', ({ query }) => users.list(query), {
      access: 'users:read',
      query: UserListQuery,
      response: PageOf(User),
      detail: { summary: 'List users' },
    })
    .post(
      '/',
      async ({ body, actor, set }) => {
        set.status = 201;
        return users.create(actor, body);
      },
      {
        access: 'users:create',
        body: UsersPost,
        response: { 201: User },
        detail: { summary: 'Create a user' },
      },
    )
    .get('/:id', ({ params }) => users.get(params.id), {
      access: 'users:read',
      params: IdParams,
      response: User,
      detail: { summary: 'Show a user' },
    })
    .patch('/:id', ({ params, body, actor }) => users.update(actor, params.id, body), {
      access: 'users:update',
      params: IdParams,
      body: UserPatch,
      response: User,
      detail: { summary: 'Change a user (email, name, enabled, password, roles)' },
    })
    .put('/:id/roles', ({ params, body, actor }) => users.setRoles(actor, params.id, body.roles), {
      access: 'users:update',
      params: IdParams,
      body: UserRolesPut,
      response: User,
      detail: { summary: "Replace a user's roles" },
    })
    .delete(
      '/:id',
      async ({ params, actor, set }) => {
        await users.delete(actor, params.id);
        set.status = 204;
      },
      { access: 'users:delete', params: IdParams, detail: { summary: 'Delete a user' } },
    );
}
