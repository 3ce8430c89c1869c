import { MAX_FRAME_BYTES } from '@paddock/protocol/rpc/index';
import { Elysia } from 'elysia';
import { agentRoutes } from '../agents/agent-routes.ts';
import type { AppContext } from '../app-context.ts';
import { type AppServices, createServices } from '../services.ts';
import { eventsRoutes } from '../events/events-routes.ts';
import { storageRoutes } from '../modules/storage/routes.ts';
import { tasksRoutes } from '../modules/tasks/routes.ts';
import { consoleRoutes } from '../modules/consoles/routes.ts';
import { networksRoutes } from '../modules/networks/routes.ts';
import { vmsRoutes } from '../modules/vms/routes.ts';
import { collectStateMetrics } from '../observability/state-metrics.ts';
import { writeAudit } from '../modules/audit/service.ts';
import { auditAnonymousRefusal } from '../modules/audit/anonymous-refusals.ts';
import { auditRoutes } from '../modules/audit/routes.ts';
import { authRoutes } from '../modules/auth/routes.ts';
import { rolesRoutes } from '../modules/roles/routes.ts';
import { systemRoutes } from '../modules/system/routes.ts';
import { usersRoutes } from '../modules/users/routes.ts';
import { dashboardRoutes } from '../modules/dashboard/routes.ts';
import { nodesRoutes } from '../modules/nodes/routes.ts';
import { accessPlugin } from './access.plugin.ts';
import { AppError } from '../errors.ts';
import { mapError } from './error-mapper.ts';
import { openapiRoutes } from './openapi.ts';
import { actorOf, beginRequest, isMutating, stateOf } from './request-state.ts';
import {
  assertAnnouncedLength,
  assertUrlHasNoNul,
  parseBodyText,
  readBoundedText,
  streamsBody,
} from './request-body.ts';
import { webRoutes } from './web-assets.ts';

/** The whole HTTP application: cross-cutting hooks first, then every module's routes. */
export function createApp(ctx: AppContext, services: AppServices = createServices(ctx)) {
  const access = accessPlugin(services.auth);
  const { httpRequests, httpDuration } = ctx.metrics;
  collectStateMetrics(ctx.db, ctx.metrics);

  // Bun refuses bigger WebSocket frames (close 1009) before they are buffered whole or parsed; the
  // agent link's limit is the largest, the console has its own lower one.
  const app = new Elysia({ normalize: false, websocket: { maxPayloadLength: MAX_FRAME_BYTES } })
    .onRequest(({ request, server, set }) => {
      const ip = server?.requestIP(request)?.address ?? null;
      const state = beginRequest(request, ip);
      set.headers['x-request-id'] = state.requestId;
      assertUrlHasNoNul(request.url);
      if (!streamsBody(new URL(request.url).pathname))
        assertAnnouncedLength(request, ctx.config.maxBodyBytes);
    })
    // Our own parser, for every content type: bodies are counted while read, chunked ones too, and
    // refused past the limit before they are buffered; an empty body reads as {} so a missing body is
    // a 422 naming the fields, and bad JSON is a clear 400.
    .onParse({ as: 'global' }, async ({ request, contentType }) => {
      // Uploads stream their body to the node: hand the route the unread stream, never a buffer.
      if (streamsBody(new URL(request.url).pathname)) return request.body ?? {};
      const text = await readBoundedText(request, ctx.config.maxBodyBytes);
      return parseBodyText(text, contentType ?? '');
    })
    .onError({ as: 'global' }, async ({ error, code, request, set, ...rest }) => {
      const mapped = mapError(error, code);
      const state = stateOf(request);
      if (mapped.internal) {
        ctx.logger.error(
          { err: error, requestId: state.requestId, path: new URL(request.url).pathname },
          'request failed',
        );
      }
      if (isMutating(request.method) && state.access && !(error instanceof AppError && error.audited)) {
        const outcome = mapped.status === 401 || mapped.status === 403 ? 'denied' : 'failure';
        const params = (rest as { params?: Record<string, string> }).params;
        const target = { targetId: params?.id ?? params?.userId ?? null };
        const detail = {
          status: mapped.status,
          code: mapped.body.error.code,
          path: new URL(request.url).pathname,
        };
        const actor = actorOf(state);
        const written = state.principal
          ? writeAudit(ctx.db, actor, { ...target, detail }, outcome)
          : auditAnonymousRefusal(ctx.db, ctx.counters, actor, { ...target, detail }, outcome);
        await written.catch((auditError) =>
          ctx.logger.error({ err: auditError }, 'could not write audit record'),
        );
      }
      set.status = mapped.status;
      if (mapped.body.error.code === 'TOO_MANY_ATTEMPTS') {
        set.headers['retry-after'] = String(mapped.body.error.details?.retryAfterSec ?? 60);
      }
      return mapped.body;
    })
    .onAfterResponse({ as: 'global' }, ({ request, route, set }) => {
      const state = stateOf(request);
      const seconds = (performance.now() - state.startedAt) / 1000;
      const status = String(typeof set.status === 'number' ? set.status : 200);
      const labels = { method: request.method, route: route || 'unmatched' };
      httpRequests.inc({ ...labels, status });
      httpDuration.observe(seconds, labels);
      ctx.logger.info(
        {
          requestId: state.requestId,
          method: request.method,
          route: labels.route,
          status: Number(status),
          ms: Math.round(seconds * 10000) / 10,
          user: state.principal?.username,
          ip: state.ip,
        },
        'request',
      );
    })
    .use(openapiRoutes(ctx.version))
    .use(systemRoutes(access, ctx))
    .use(authRoutes(access, services.auth, services.users))
    .use(usersRoutes(access, services.users))
    .use(rolesRoutes(access, services.roles))
    .use(auditRoutes(access, ctx.db))
    .use(nodesRoutes(access, services.nodes))
    .use(dashboardRoutes(access, ctx.db))
    .use(tasksRoutes(access, services.tasks))
    .use(storageRoutes(access, services.storage, ctx.db, services.hub))
    .use(networksRoutes(access, services.networks))
    .use(vmsRoutes(access, services.vms, services.snapshots))
    .use(consoleRoutes(access, ctx.db, services.hub, services.consoleTickets, ctx.logger, services.streams))
    .use(
      eventsRoutes(access, services.events, services.streams, { bufferBytes: ctx.config.eventsBufferBytes }),
    )
    .use(agentRoutes(access, services.sessions, services.hub, ctx.logger))
    .use(webRoutes(access));

  assertEveryRouteDeclaresAccess(app);
  return app;
}

/** The Elysia app type, for tests and the server. */
export type App = ReturnType<typeof createApp>;

const DOCUMENTATION_ROUTES = new Set(['/api/openapi.json', '/api/docs', '/api/docs/*']);

// A route without an access declaration would be reachable by anyone: refuse to start instead.
function assertEveryRouteDeclaresAccess(app: {
  routes: Array<{ method: string; path: string; hooks: unknown }>;
}): void {
  const missing = app.routes.filter((route) => {
    const detail = (route.hooks as { detail?: Record<string, unknown> }).detail;
    return !detail?.['x-permission'] && !DOCUMENTATION_ROUTES.has(route.path);
  });
  if (missing.length > 0) {
    throw new Error(
      `routes without an access declaration: ${missing.map((r) => `${r.method} ${r.path}`).join(', ')}`,
    );
  }
}
