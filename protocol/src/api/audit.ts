import { type Static, Type } from '@sinclair/typebox';
import { ListQuery, Uuid } from './common.ts';

/** One audit record: who did what to which target, and how it ended. */
export const AuditLog = Type.Object({
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

/** `GET /api/audit` filters (newest first). */
export const AuditQuery = ListQuery({
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
export type AuditLog = Static<typeof AuditLog>;
export type AuditQuery = Static<typeof AuditQuery>;
