import { IdParams, ListQuery, PageOf } from '@paddock/protocol/api/common';
import { Network, NetworksPost } from '@paddock/protocol/api/networks';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import type { NetworksService } from './service.ts';

/** `/api/networks`. */
export function networksRoutes(access: AccessPlugin, networks: NetworksService) {
  return new Elysia({ prefix: '/api/networks', detail: { tags: ['networks'] } })
    .use(access)
    .get('/', ({ query }) => networks.list(query), {
      access: 'networks:read',
      query: ListQuery({ type: Type.Optional(Type.String({ maxLength: 16 })) }),
      response: PageOf(Network),
      detail: { summary: 'List networks' },
    })
    .post(
      '/',
      async ({ body, actor, set }) => {
        set.status = 201;
        return networks.create(actor, body);
      },
      {
        access: 'networks:create',
        body: NetworksPost,
        response: { 201: Network },
        detail: { summary: 'Create a network bound to a Linux bridge' },
      },
    )
    .get('/:id', ({ params }) => networks.get(params.id), {
      access: 'networks:read',
      params: IdParams,
      response: Network,
      detail: { summary: 'Show a network' },
    })
    .delete(
      '/:id',
      async ({ params, actor, set }) => {
        await networks.delete(actor, params.id);
        set.status = 204;
      },
      { access: 'networks:delete', params: IdParams, detail: { summary: 'Delete an unused network' } },
    );
}
