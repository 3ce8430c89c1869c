import { IdParams, ListQuery, PageOf } from '@paddock/protocol/api/common';
import {
  EnrollmentToken,
  EnrollmentTokensPost,
  Node,
  NodeDetail,
  NodeMetrics,
  NodeMetricsQuery,
  NodePatch,
} from '@paddock/protocol/api/nodes';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import type { NodesService } from './service.ts';

const NodeListQuery = ListQuery({
  status: Type.Optional(
    Type.Union([Type.Literal('online'), Type.Literal('offline'), Type.Literal('maintenance')]),
  ),
  maintenance: Type.Optional(Type.Boolean()),
  virtType: Type.Optional(Type.Union([Type.Literal('kvm'), Type.Literal('qemu')])),
});

/** `/api/nodes`: hypervisor hosts and their enrollment. */
export function nodesRoutes(access: AccessPlugin, nodes: NodesService) {
  return new Elysia({ prefix: '/api/nodes', detail: { tags: ['nodes'] } })
    .use(access)
    .get('/', ({ query }) => nodes.list(query), {
      access: 'nodes:read',
      query: NodeListQuery,
      response: PageOf(Node),
      detail: { summary: 'List nodes with status and resource figures' },
    })
    .post(
      '/enrollment-tokens',
      async ({ body, actor, set }) => {
        set.status = 201;
        return nodes.issueEnrollmentToken(actor, body.ttlSec, body.nodeId);
      },
      {
        access: 'nodes:enroll',
        body: EnrollmentTokensPost,
        response: { 201: EnrollmentToken },
        detail: { summary: 'Issue a single-use token an agent enrolls with' },
      },
    )
    .get('/:id', ({ params }) => nodes.get(params.id), {
      access: 'nodes:read',
      params: IdParams,
      response: NodeDetail,
      detail: { summary: 'Show a node with its latest metrics and status history' },
    })
    .get('/:id/metrics', ({ params, query }) => nodes.metrics(params.id, query.minutes), {
      access: 'nodes:read',
      params: IdParams,
      query: NodeMetricsQuery,
      response: NodeMetrics,
      detail: {
        summary: "A node's heartbeat figures over the last minutes (up to 60), for charts",
      },
    })
    .patch('/:id', ({ params, body, actor }) => nodes.update(actor, params.id, body), {
      access: 'nodes:update',
      params: IdParams,
      body: NodePatch,
      response: NodeDetail,
      detail: { summary: 'Maintenance on/off, labels' },
    })
    .post('/:id/revoke', ({ params, actor }) => nodes.revoke(actor, params.id), {
      access: 'nodes:delete',
      params: IdParams,
      response: NodeDetail,
      detail: { summary: "Revoke the node's agent credentials and disconnect it" },
    })
    .delete(
      '/:id',
      async ({ params, actor, set }) => {
        await nodes.delete(actor, params.id);
        set.status = 204;
      },
      {
        access: 'nodes:delete',
        params: IdParams,
        detail: {
          summary: 'Remove a node (no managed VMs may remain on it; unmanaged records are forgotten)',
        },
      },
    );
}
