import { jwt } from '@elysiajs/jwt';
import { AgentRouter } from './agents/agent-router.ts';
import { type AgentCaller, AgentHub, type AgentLifecycle, type HubEvents } from './agents/hub.ts';
import { AgentSessions } from './agents/sessions.ts';
import type { AppContext } from './app-context.ts';
import { EventBus } from './events/event-bus.ts';
import { auditAnonymousRefusal } from './modules/audit/anonymous-refusals.ts';
import { ACCESS_CHANNEL } from './modules/auth/access-changes.ts';
import { type AccessTokenSigner, AuthService } from './modules/auth/service.ts';
import { StreamGuard } from './modules/auth/stream-guard.ts';
import { ConsoleTickets } from './modules/consoles/tickets.ts';
import { NetworksService } from './modules/networks/service.ts';
import { NodesService } from './modules/nodes/service.ts';
import { RolesService } from './modules/roles/service.ts';
import { StorageService } from './modules/storage/service.ts';
import { registerStorageTasks } from './modules/storage/storage.handlers.ts';
import { registerUploadRecovery } from './modules/storage/upload.ts';
import { TasksService } from './modules/tasks/service.ts';
import { UsersService } from './modules/users/service.ts';
import { registerBulkTask } from './modules/vms/bulk.ts';
import { VmReconciler } from './modules/vms/reconcile.ts';
import { VmsService } from './modules/vms/service.ts';
import { registerSnapshotTasks, SnapshotsService } from './modules/vms/snapshots.ts';
import { registerVmTasks } from './modules/vms/vm.handlers.ts';
import { assertEveryTaskTypeHandled } from './tasks/catalog.ts';
import { TaskWorker } from './tasks/worker.ts';

/** The services of an appliance process, for the HTTP app, the CLI and tests. */
export interface AppServices {
  auth: AuthService;
  users: UsersService;
  roles: RolesService;
  nodes: NodesService;
  /** Agents' enrollment, credentials, registration, heartbeats and liveness. */
  sessions: AgentSessions;
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

/**
 * The composition root: builds every service of an appliance process in dependency order, each
 * with its collaborators in the constructor. Where two need each other (the hub reports an agent's
 * life cycle to the agent sessions, which close links through it; the hub's domain events go to
 * the reconciler, built later on the services that call agents through the hub), the earlier one
 * gets a callback that reaches the later one only when called.
 */
export function createServices(ctx: AppContext): AppServices {
  const signer = createSigner(ctx.jwtSecret, ctx.config.accessTokenTtlSec);
  const events = new EventBus();
  const lifecycle: AgentLifecycle = {
    registered: (nodeId, facts) => sessions.registered(nodeId, facts),
    heartbeat: (nodeId, heartbeat) => sessions.heartbeat(nodeId, heartbeat),
    disconnected: (nodeId, reason) => sessions.disconnected(nodeId, reason),
  };
  const hubEvents: HubEvents = {
    domainEvent: (nodeId, event) =>
      void reconciler
        .onEvent(nodeId, event)
        .catch((e) => ctx.logger.error({ err: e, nodeId }, 'domain event not applied')),
    inventory: (nodeId, inventory) =>
      void reconciler
        .onInventory(nodeId, inventory.domains)
        .catch((e) => ctx.logger.error({ err: e, nodeId }, 'inventory not applied')),
  };
  const hub = new AgentHub(lifecycle, ctx.logger, ctx.config, hubEvents);
  // With Redis, tasks reach agents connected to any replica, and a revoked or deleted node's link
  // closes on every replica; without it, only this one's.
  const router = ctx.config.redisUrl ? new AgentRouter(ctx.config.redisUrl, ctx.logger, hub) : undefined;
  const agents: AgentCaller = router ?? hub;
  const nodes = new NodesService(ctx.db, { bus: events, connections: router ?? hub });
  const sessions = new AgentSessions(ctx.db, ctx.logger, ctx.config, {
    connections: router ?? hub,
    reports: nodes,
    auditRefusal: (actor, target) => auditAnonymousRefusal(ctx.db, ctx.counters, actor, target, 'denied'),
  });
  const worker = new TaskWorker(ctx.db, ctx.logger, events, {
    concurrency: ctx.config.workerConcurrency,
    leaseMs: ctx.config.taskLeaseMs,
    abortGraceMs: ctx.config.taskAbortGraceMs,
    onFinished: (type, status) => ctx.metrics.tasksFinished.inc({ type, status }),
  });
  void worker.listen((channel, onNotify) => ctx.database.listen(channel, onNotify));
  const tasks = new TasksService(ctx.db, events, {
    nudge: () => void worker.poll(),
    onCancelledQueued: (type) => ctx.metrics.tasksFinished.inc({ type, status: 'cancelled' }),
  });
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
  assertEveryTaskTypeHandled(worker.types);
  // Every series from zero: a counter's first increase is lost to rate() if the series only
  // appears with it.
  for (const type of worker.types)
    for (const status of ['succeeded', 'failed', 'cancelled'])
      ctx.metrics.tasksFinished.inc({ type, status }, 0);
  const reconciler = new VmReconciler(ctx.db, vms, ctx.logger, agents);
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
    sessions,
    hub,
  };
}
