import { IdParams, ListQuery, PageOf, Strict, Uuid } from '@paddock/protocol/api/common';
import { TaskAccepted } from '@paddock/protocol/api/storage';
import {
  PlacementAnswer,
  ShutdownBody,
  VM_ACTIONS,
  Vm,
  VmAccepted,
  VmPatch,
  VmsPost,
} from '@paddock/protocol/api/vms';
import { Task } from '@paddock/protocol/api/tasks';
import {
  ClonePost,
  Snapshot,
  SnapshotAccepted,
  SnapshotParams,
  SnapshotsPost,
} from '@paddock/protocol/api/snapshots';
import { Type } from '@sinclair/typebox';
import type { SnapshotsService } from './snapshots.ts';
import { Elysia } from 'elysia';
import type { AccessPlugin } from '../../http/access.plugin.ts';

import type { VmsService } from './service.ts';

const VmListQuery = ListQuery({
  status: Type.Optional(Type.String({ maxLength: 16 })),
  nodeId: Type.Optional(Uuid),
  managed: Type.Optional(Type.Boolean()),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

/** `/api/vms`: virtual machines and their power actions. */
export function vmsRoutes(access: AccessPlugin, vms: VmsService, snapshots: SnapshotsService) {
  let app = new Elysia({ prefix: '/api/vms', detail: { tags: ['vms'] } })
    .use(access)
    .get('/', ({ query }) => vms.list(query), {
      access: 'vms:read',
      query: VmListQuery,
      response: PageOf(Vm),
      detail: { summary: 'List VMs (server-side pagination, filter, sort)' },
    })
    .post(
      '/',
      async ({ body, actor, set }) => {
        set.status = 202;
        return vms.create(actor, body);
      },
      {
        access: 'vms:create',
        body: VmsPost,
        response: { 202: VmAccepted },
        detail: { summary: 'Create a VM (placed on a node unless nodeId is given)' },
      },
    )
    .post('/placement-preview', ({ body }) => vms.preview(body), {
      access: 'vms:read',
      body: VmsPost,
      response: PlacementAnswer,
      detail: { summary: 'Where a VM would be placed, and why not elsewhere; nothing is created' },
    })
    .get('/:id', ({ params }) => vms.get(params.id), {
      access: 'vms:read',
      params: IdParams,
      response: Vm,
      detail: { summary: 'Show a VM' },
    })
    .patch(
      '/:id',
      async ({ params, body, actor, set }) => {
        const result = await vms.update(actor, params.id, body);
        if (result.task) set.status = 202;
        return result;
      },
      {
        access: 'vms:update',
        params: IdParams,
        body: VmPatch,
        response: {
          200: Type.Object({ vm: Vm, task: Type.Optional(Task) }),
          202: Type.Object({ vm: Vm, task: Type.Optional(Task) }),
        },
        detail: { summary: 'Rename, describe, tag; vCPUs/memory while stopped (202 with the redefine task)' },
      },
    )
    .delete(
      '/:id',
      async ({ params, query, actor, set }) => {
        set.status = 202;
        return vms.delete(actor, params.id, query.deleteDisks ?? false);
      },
      {
        access: 'vms:delete',
        params: IdParams,
        query: Type.Object({ deleteDisks: Type.Optional(Type.Boolean()) }, Strict),
        response: { 202: TaskAccepted },
        detail: { summary: 'Delete a VM (its disks too with deleteDisks=true)' },
      },
    )
    .post(
      '/bulk',
      async ({ body, actor, set }) => {
        set.status = 202;
        return vms.bulk(actor, body.action, body.ids, body.options ?? {});
      },
      {
        access: 'vms:operate',
        body: Type.Object(
          {
            action: Type.Union(VM_ACTIONS.map((a) => Type.Literal(a))),
            ids: Type.Array(Uuid, { minItems: 1, maxItems: 1000, uniqueItems: true }),
            options: Type.Optional(ShutdownBody),
          },
          Strict,
        ),
        response: { 202: TaskAccepted },
        detail: { summary: 'One action on many VMs: a parent task with one child task per VM' },
      },
    )
    .post('/:id/adopt', ({ params, actor }) => vms.adopt(actor, params.id), {
      access: 'vms:update',
      params: IdParams,
      response: Vm,
      detail: { summary: 'Take an unmanaged domain under management' },
    })
    .post(
      '/:id/clone',
      async ({ params, body, actor, set }) => {
        set.status = 202;
        return vms.clone(actor, params.id, body);
      },
      {
        access: 'vms:create',
        params: IdParams,
        body: ClonePost,
        response: { 202: VmAccepted },
        detail: { summary: 'Clone a stopped VM (full copy or linked qcow2 overlays)' },
      },
    )
    .get('/:id/snapshots', ({ params }) => snapshots.list(params.id), {
      access: 'vms:read',
      params: IdParams,
      response: Type.Array(Snapshot),
      detail: { summary: "List a VM's snapshots" },
    })
    .post(
      '/:id/snapshots',
      async ({ params, body, actor, set }) => {
        set.status = 202;
        return snapshots.create(actor, params.id, body);
      },
      {
        access: 'vms:operate',
        params: IdParams,
        body: SnapshotsPost,
        response: { 202: SnapshotAccepted },
        detail: { summary: 'Take a snapshot' },
      },
    )
    .post(
      '/:id/snapshots/:sid/revert',
      async ({ params, actor, set }) => {
        set.status = 202;
        return snapshots.revert(actor, params.id, params.sid);
      },
      {
        access: 'vms:operate',
        params: SnapshotParams,
        response: { 202: TaskAccepted },
        detail: { summary: 'Revert the VM to a snapshot' },
      },
    )
    .delete(
      '/:id/snapshots/:sid',
      async ({ params, actor, set }) => {
        set.status = 202;
        return snapshots.delete(actor, params.id, params.sid);
      },
      {
        access: 'vms:operate',
        params: SnapshotParams,
        response: { 202: TaskAccepted },
        detail: { summary: 'Delete a snapshot' },
      },
    );
  for (const action of VM_ACTIONS) {
    app = app.post(
      `/:id/${action}`,
      async ({ params, body, actor, set }) => {
        set.status = 202;
        return vms.action(actor, params.id, action, (body ?? {}) as Record<string, unknown>);
      },
      {
        access: 'vms:operate',
        params: IdParams,
        body: action === 'shutdown' ? ShutdownBody : Type.Optional(Type.Object({}, Strict)),
        response: { 202: TaskAccepted },
        detail: { summary: `${action[0]!.toUpperCase()}${action.slice(1)} a VM` },
      },
    ) as unknown as typeof app;
  }
  return app;
}
