import { IdParams, ListQuery, PageOf, Uuid } from '@paddock/protocol/api/common';
import { Task, TaskDetail, TaskStatus } from '@paddock/protocol/api/tasks';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import type { TasksService } from './service.ts';

const TaskListQuery = ListQuery({
  type: Type.Optional(Type.String({ maxLength: 64 })),
  status: Type.Optional(TaskStatus),
  targetType: Type.Optional(Type.String({ maxLength: 32 })),
  targetId: Type.Optional(Type.String({ maxLength: 128 })),
  userId: Type.Optional(Uuid),
  parentId: Type.Optional(Uuid),
  root: Type.Optional(Type.Boolean({ description: 'only tasks without a parent task' })),
});

/** `/api/tasks`: the job center. */
export function tasksRoutes(access: AccessPlugin, tasks: TasksService) {
  return new Elysia({ prefix: '/api/tasks', detail: { tags: ['tasks'] } })
    .use(access)
    .get('/', ({ query }) => tasks.list(query), {
      access: 'tasks:read',
      query: TaskListQuery,
      response: PageOf(Task),
      detail: { summary: 'List tasks (filter by type, status, target, user)' },
    })
    .get('/:id', ({ params }) => tasks.get(params.id), {
      access: 'tasks:read',
      params: IdParams,
      response: TaskDetail,
      detail: { summary: 'Show a task with its event log' },
    })
    .post('/:id/cancel', ({ params, actor }) => tasks.cancel(actor, params.id), {
      access: 'tasks:update',
      params: IdParams,
      response: Task,
      detail: { summary: 'Cancel a queued or running task' },
    })
    .post('/:id/retry', ({ params, actor }) => tasks.retry(actor, params.id), {
      access: 'tasks:update',
      params: IdParams,
      response: Task,
      detail: { summary: 'Queue a failed or cancelled task again' },
    });
}
