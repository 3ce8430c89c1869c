import { IdParams, ListQuery, PageOf, Uuid } from '@paddock/protocol/api/common';
import {
  Pool,
  PoolAccepted,
  PoolsPost,
  TaskAccepted,
  UploadQuery,
  Volume,
  VolumeAccepted,
  VolumesPost,
} from '@paddock/protocol/api/storage';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { Kysely } from 'kysely';
import type { AgentHub } from '../../agents/hub.ts';
import type { DB } from '../../db/database.ts';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import { invalidField } from '../../errors.ts';
import type { StorageService } from './service.ts';
import { uploadVolume } from './upload.ts';

/** `/api/storage`: pools, volumes and image uploads. */
export function storageRoutes(access: AccessPlugin, storage: StorageService, db: Kysely<DB>, hub: AgentHub) {
  return new Elysia({ prefix: '/api/storage', detail: { tags: ['storage'] } })
    .use(access)
    .get('/pools', ({ query }) => storage.listPools(query), {
      access: 'storage:read',
      query: ListQuery({
        nodeId: Type.Optional(Uuid),
        type: Type.Optional(Type.String({ maxLength: 16 })),
        status: Type.Optional(Type.String({ maxLength: 16 })),
      }),
      response: PageOf(Pool),
      detail: { summary: 'List storage pools' },
    })
    .post(
      '/pools',
      async ({ body, actor, set }) => {
        set.status = 202;
        return storage.createPool(actor, body);
      },
      {
        access: 'storage:create',
        body: PoolsPost,
        response: { 202: PoolAccepted },
        detail: { summary: 'Create a pool (a task defines it on the node)' },
      },
    )
    .get('/pools/:id', ({ params }) => storage.getPool(params.id), {
      access: 'storage:read',
      params: IdParams,
      response: Pool,
      detail: { summary: 'Show a pool' },
    })
    .delete(
      '/pools/:id',
      async ({ params, actor, set }) => {
        set.status = 202;
        return storage.deletePool(actor, params.id);
      },
      {
        access: 'storage:delete',
        params: IdParams,
        response: { 202: TaskAccepted },
        detail: { summary: 'Delete an empty pool' },
      },
    )
    .post(
      '/pools/:id/volumes',
      async ({ params, body, actor, set }) => {
        set.status = 202;
        return storage.createVolume(actor, params.id, body);
      },
      {
        access: 'storage:create',
        params: IdParams,
        body: VolumesPost,
        response: { 202: VolumeAccepted },
        detail: { summary: 'Create an empty volume' },
      },
    )
    .post(
      '/pools/:id/upload',
      async ({ params, query, request, actor, set }) => {
        if (!request.body) throw invalidField('body', 'the file goes in the request body');
        const result = await uploadVolume(db, hub, actor, {
          poolId: params.id,
          name: query.name,
          format: query.format,
          lengthBytes: Number(request.headers.get('content-length') ?? Number.NaN),
          body: request.body,
        });
        set.status = 201;
        return result;
      },
      {
        access: 'storage:create',
        params: IdParams,
        query: UploadQuery,
        response: { 201: VolumeAccepted },
        detail: { summary: 'Upload an ISO or disk image as the raw request body (streamed to the node)' },
      },
    )
    .get('/volumes', ({ query }) => storage.listVolumes(query), {
      access: 'storage:read',
      query: ListQuery({
        poolId: Type.Optional(Uuid),
        vmId: Type.Optional(Uuid),
        format: Type.Optional(Type.String({ maxLength: 8 })),
        status: Type.Optional(Type.String({ maxLength: 16 })),
      }),
      response: PageOf(Volume),
      detail: { summary: 'List volumes' },
    })
    .get('/volumes/:id', ({ params }) => storage.getVolume(params.id), {
      access: 'storage:read',
      params: IdParams,
      response: Volume,
      detail: { summary: 'Show a volume' },
    })
    .delete(
      '/volumes/:id',
      async ({ params, actor, set }) => {
        set.status = 202;
        return storage.deleteVolume(actor, params.id);
      },
      {
        access: 'storage:delete',
        params: IdParams,
        response: { 202: TaskAccepted },
        detail: { summary: 'Delete a detached volume' },
      },
    );
}
