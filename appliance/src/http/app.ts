import { jwt } from '@elysiajs/jwt';
import { MAX_FRAME_BYTES } from '@paddock/protocol/rpc/index';
import { Elysia } from 'elysia';
import { agentRoutes } from '../agents/agent-routes.ts';
import { AgentRouter } from '../agents/agent-router.ts';
import { type AgentCaller, AgentHub } from '../agents/hub.ts';
import type { AppContext } from '../app-context.ts';
import { EventBus } from '../events/event-bus.ts';
import { eventsRoutes } from '../events/events-routes.ts';
import { storageRoutes } from '../modules/storage/routes.ts';
import { StorageService } from '../modules/storage/service.ts';
import { registerStorageTasks } from '../modules/storage/tasks.ts';
import { registerUploadRecovery } from '../modules/storage/upload.ts';
import { tasksRoutes } from '../modules/tasks/routes.ts';
import { consoleRoutes } from '../modules/consoles/routes.ts';
import { ConsoleTickets } from '../modules/consoles/tickets.ts';
import { networksRoutes } from '../modules/networks/routes.ts';
import { NetworksService } from '../modules/networks/service.ts';
import { VmReconciler } from '../modules/vms/reconcile.ts';
import { vmsRoutes } from '../modules/vms/routes.ts';
import { VmsService } from '../modules/vms/service.ts';
import { registerVmTasks } from '../modules/vms/tasks.ts';
import { registerBulkTask } from '../modules/vms/bulk.ts';
import { registerSnapshotTasks, SnapshotsService } from '../modules/vms/snapshots.ts';
import { TasksService } from '../modules/tasks/service.ts';
import { TaskWorker } from '../tasks/worker.ts';
import { collectStateMetrics } from '../observability/state-metrics.ts';
import { writeAudit } from '../modules/audit/service.ts';
import { auditAnonymousRefusal } from '../modules/audit/anonymous-refusals.ts';
import { auditRoutes } from '../modules/audit/routes.ts';
import { authRoutes } from '../modules/auth/routes.ts';
import { type AccessTokenSigner, AuthService } from '../modules/auth/service.ts';
import { ACCESS_CHANNEL } from '../modules/auth/access-changes.ts';
import { StreamGuard } from '../modules/auth/stream-guard.ts';
import { RolesService } from '../modules/roles/service.ts';
import { rolesRoutes } from '../modules/roles/routes.ts';
import { systemRoutes } from '../modules/system/routes.ts';
import { UsersService } from '../modules/users/service.ts';
import { usersRoutes } from '../modules/users/routes.ts';
import { dashboardRoutes } from '../modules/dashboard/routes.ts';
import { nodesRoutes } from '../modules/nodes/routes.ts';
import { NodesService } from '../modules/nodes/service.ts';
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

/** The services behind the routes, exposed for the CLI and tests. */
export interface AppServices {
  auth: AuthService;
  users: UsersService;
  roles: RolesService;
  nodes: NodesService;
  hub: AgentHub;
  tasks: TasksService;
  events: EventBus;
  worker: TaskWorker;
  storage: StorageService;
  networks: NetworksService;
  vms: VmsService;
  consoleTickets: ConsoleTickets;
  snapshots: SnapshotsService;
  /** Ends event streams and consoles whose user lost access. */
  streams: StreamGuard;
  /** Routes agent calls to other replicas over Redis; only with REDIS_URL. */
  router?: AgentRouter;
}

/** Creates the signer for access tokens from @elysiajs/jwt (HS256, lifetime capped at 15 min). */
export function createSigner(secret: string, ttlSec: number): AccessTokenSigner {
  const plugin = jwt({ name: 'jwt', secret, alg: 'HS256', exp: `${ttlSec}s` });
  const { jwt: signer } = plugin.decorator as unknown as { jwt: AccessTokenSigner };
  return signer;
}

/** Builds the services of an appliance process. */
export function createServices(ctx: AppContext): AppServices {
  const signer = createSigner(ctx.jwtSecret, ctx.config.accessTokenTtlSec);
  const events = new EventBus();
  const nodes = new NodesService(ctx.db, ctx.logger, ctx.config, events);
  const hub = new AgentHub(nodes, ctx.logger, ctx.config);
  nodes.auditRefusal = (actor, target) =>
    auditAnonymousRefusal(ctx.db, ctx.counters, actor, target, 'denied');
  // With Redis, tasks reach agents connected to any replica, and a revoked or deleted node's link
  // closes on every replica; without it, only this one's.
  const router = ctx.config.redisUrl ? new AgentRouter(ctx.config.redisUrl, ctx.logger, hub) : undefined;
  nodes.connections = router ?? hub;
  const agents: AgentCaller = router ?? hub;
  const tasks = new TasksService(ctx.db, events);
  const worker = new TaskWorker(ctx.db, ctx.logger, events, {
    concurrency: ctx.config.workerConcurrency,
    leaseMs: ctx.config.taskLeaseMs,
    abortGraceMs: ctx.config.taskAbortGraceMs,
    onFinished: (type, status) => ctx.metrics.tasksFinished.inc({ type, status }),
  });
  void worker.listen((channel, onNotify) => ctx.database.listen(channel, onNotify));
  tasks.nudge = () => void worker.poll();
  const storage = new StorageService(ctx.db, tasks, agents);
  registerStorageTasks(worker, ctx.db, agents);
  registerUploadRecovery(worker, ctx.db, hub);
  const vms = new VmsService(ctx.db, tasks, agents, events, {
    cpuOvercommit: ctx.config.cpuOvercommit,
    memoryOvercommit: ctx.config.memoryOvercommit,
  });
  registerVmTasks(worker, ctx.db, agents, vms);
  registerSnapshotTasks(worker, ctx.db, agents, vms);
  registerBulkTask(worker, ctx.db, vms);
  tasks.onCancelledQueued = (type) => ctx.metrics.tasksFinished.inc({ type, status: 'cancelled' });
  // Every series from zero: a counter's first increase is lost to rate() if the series only
  // appears with it.
  for (const type of worker.types)
    for (const status of ['succeeded', 'failed', 'cancelled'])
      ctx.metrics.tasksFinished.inc({ type, status }, 0);
  const reconciler = new VmReconciler(ctx.db, vms, ctx.logger, agents);
  hub.events = {
    domainEvent: (nodeId, event) =>
      void reconciler
        .onEvent(nodeId, event)
        .catch((e) => ctx.logger.error({ err: e, nodeId }, 'domain event not applied')),
    inventory: (nodeId, inventory) =>
      void reconciler
        .onInventory(nodeId, inventory.domains)
        .catch((e) => ctx.logger.error({ err: e, nodeId }, 'inventory not applied')),
  };
  const auth = new AuthService(ctx.db, signer, ctx.counters, ctx.config);
  const streams = new StreamGuard(auth, ctx.logger, {
    recheckMs: ctx.config.streamRecheckMs,
    eventStreamsPerUser: ctx.config.eventStreamsPerUser,
  });
  void ctx.database
    .listen(ACCESS_CHANNEL, () => void streams.check())
    .catch((err) =>
      ctx.logger.warn({ err }, 'cannot LISTEN for access changes; streams re-check periodically'),
    );
  return {
    ...(router && { router }),
    streams,
    snapshots: new SnapshotsService(ctx.db, tasks),
    consoleTickets: new ConsoleTickets(),
    vms,
    networks: new NetworksService(ctx.db),
    storage,
    tasks,
    events,
    worker,
    auth,
    users: new UsersService(ctx.db),
    roles: new RolesService(ctx.db),
    nodes,
    hub,
  };
}

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
    .use(agentRoutes(access, services.nodes, services.hub, ctx.logger))
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
