import { AuditLog, AuditQuery } from '@paddock/protocol/api/audit';
import { PageOf } from '@paddock/protocol/api/common';
import { Elysia } from 'elysia';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/database.ts';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import { searchAudit } from './service.ts';

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
