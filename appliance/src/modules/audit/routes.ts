import { ListQuery, PageOf, Uuid } from '@paddock/protocol/api/common';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/database.ts';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import { searchAudit } from './service.ts';

const AuditLog = Type.Object({
  id: Type.Integer(),
  userId: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Unknown(),
  sourceIp: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  timestamp: Type.String(),
});

const AuditQuery = ListQuery({
  userId: Type.Optional(Uuid),
  username: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 64 })),
  targetType: Type.Optional(Type.String({ maxLength: 64 })),
  targetId: Type.Optional(Type.String({ maxLength: 128 })),
  outcome: Type.Optional(
    Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')]),
  ),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});

/** `GET /api/audit`: the audit log, newest first. Read-only: nothing else writes to it over HTTP. */
export function auditRoutes(access: AccessPlugin, db: Kysely<DB>) {
  return new Elysia({ prefix: '/api/audit', detail: { tags: ['audit'] } })
    .use(access)
    .get('/', ({ query }) => searchAudit(db, query), {
      access: 'audit:read',
      query: AuditQuery,
      response: PageOf(AuditLog),
      detail: { summary: 'Search the audit log' },
    });
}
