import { Dashboard } from '@paddock/protocol/api/dashboard';
import { Elysia } from 'elysia';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/database.ts';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import { DashboardService } from './service.ts';

/** `/api/dashboard`: the console's overview in one call, shaped by the caller's permissions. */
export function dashboardRoutes(access: AccessPlugin, db: Kysely<DB>) {
  const dashboard = new DashboardService(db);
  return new Elysia({ prefix: '/api/dashboard', detail: { tags: ['dashboard'] } })
    .use(access)
    .get('/', ({ principal }) => dashboard.summary(principal), {
      access: 'authenticated',
      response: Dashboard,
      detail: {
        summary:
          'Nodes by status, VMs by state, allocation against capacity, recent tasks and failures; each section only with its read permission',
      },
    });
}
