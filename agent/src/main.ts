/**
 * paddock-agent: one per hypervisor host. Enrolls once, then keeps one WebSocket to the appliance:
 * registers the host, heartbeats, reports domains, forwards libvirt events and answers the
 * appliance's requests through the libvirt binding. Exit codes: 0 stopped by a signal, 1 runtime
 * failure, 2 bad configuration, 3 enrollment impossible (no or refused token).
 */
import { type AgentConfig, ConfigError, loadConfig, USAGE } from './config.ts';
import { createHandlers } from './handlers/index.ts';
import { domainEventParams } from './handlers/domain-events.ts';
import { HostFactsReader } from './host/facts.ts';
import { HeartbeatSource } from './host/heartbeat.ts';
import { LibvirtKeeper } from './handlers/libvirt-keeper.ts';
import { ListDomainsFlags } from './libvirt/index.ts';
import { AgentLink } from './link/agent-link.ts';
import { EnrollmentImpossible, obtainCredential } from './link/obtain-credential.ts';
import { clientTls } from './link/tls.ts';
import { createLogger, type Logger } from './log.ts';
import { AgentMetrics } from './metrics/agent-metrics.ts';
import { type MetricsServer, startMetricsServer } from './metrics/server.ts';
import { AGENT_VERSION } from './version.ts';

async function run(config: AgentConfig, logger: Logger): Promise<number> {
  const stopping = new AbortController();
  const cleanups: (() => Promise<void> | void)[] = [];
  let stopped: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (stopped = resolve));
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      // A supervisor may signal twice (systemd, timeout(1)); stopping once is enough.
      if (stopping.signal.aborted) return;
      logger.info({ signal: sig }, 'agent: stopping');
      stopping.abort();
      stopped(0);
    });
  }

  logger.info(
    {
      version: AGENT_VERSION,
      server: config.server,
      libvirt: config.libvirt,
      state: config.state,
      poolRoots: config.poolRoots,
      metricsListen: config.metricsListen ?? 'off',
      configFile: config.configFile ?? null,
      ca: config.ca ?? null,
    },
    'agent: starting',
  );

  const metrics = new AgentMetrics(config.storageRoot, logger);
  let metricsServer: MetricsServer | undefined;
  if (config.metricsListen) {
    try {
      metricsServer = startMetricsServer(config.metricsListen, metrics, logger);
      logger.info({ url: metricsServer.url }, 'metrics: listening');
      cleanups.push(() => metricsServer?.stop());
    } catch (error) {
      logger.error(
        { listen: config.metricsListen, err: (error as Error).message },
        'metrics: cannot listen (another agent running? use --metrics-listen ADDR or off)',
      );
      return 1;
    }
  }

  const tls = clientTls(config.ca);
  const credential = await Promise.race([
    obtainCredential(config, tls, logger, stopping.signal),
    exited.then(() => undefined),
  ]);
  if (!credential) return 0;

  const keeper = new LibvirtKeeper({
    uri: config.libvirt,
    logger,
    retryMs: config.reconnectIntervalMs,
    onChange: (conn) => metrics.setConnection(conn),
  });
  if (!(await keeper.open(stopping.signal))) return 0;
  cleanups.push(() => keeper.close());
  const conn = () => keeper.conn;

  const facts = new HostFactsReader(conn, {
    storageRoot: config.storageRoot,
    virtType: config.virtType,
    poolRoots: config.poolRoots,
  });
  const first = await facts.facts();
  const choice = facts.virtChoice;
  logger.info(
    {
      virtType: first.virtType,
      reason: choice?.reason,
      libvirtVersion: first.libvirtVersion,
      qemuVersion: first.qemuVersion,
    },
    `agent: guests use virt type ${first.virtType}`,
  );
  metrics.setInfo({ version: AGENT_VERSION, virtType: first.virtType, libvirtUri: config.libvirt });

  const heartbeat = new HeartbeatSource(
    config.storageRoot,
    async () => (await conn().listAllDomains(ListDomainsFlags.ACTIVE)).length,
    logger,
  );
  const link = new AgentLink({
    server: config.server,
    credential: credential.credential,
    tls,
    handlers: createHandlers(
      conn,
      facts,
      { poolRoots: config.poolRoots, stateDir: config.state },
      (method, outcome, ms) => {
        metrics.observeRequest(method, outcome, ms);
        logger.debug({ method, outcome, ms: Math.round(ms) }, 'rpc: handled');
      },
    ),
    reconnectIntervalMs: config.reconnectIntervalMs,
    inventoryIntervalMs: config.inventoryIntervalMs,
    facts: () => facts.facts(),
    heartbeat: () => heartbeat.next(),
    inventory: async () =>
      (await conn().listAllDomains(0)).map((d) => ({ uuid: d.uuid, name: d.name, state: d.state })),
    // Registration waits for the event subscription, so no event after it can be missed.
    beforeRegister: () => subscribed,
    logger,
    observer: metrics,
  });
  // The subscription (its own worker and connection, ~0.1 s) is set up while the link connects.
  const subscribed = conn()
    .events()
    .then(
      (events) => {
        events.on((e) => {
          const params = domainEventParams(e);
          if (params && link.sendDomainEvent(params)) logger.debug({ ...params }, 'libvirt: event forwarded');
        });
        logger.info({ callbacks: events.callbacks }, 'libvirt: subscribed to domain events');
        return events;
      },
      (error: unknown) => {
        // Without events the appliance still converges through the periodic inventory.
        logger.warn(
          { err: (error as Error).message },
          'libvirt: domain events unavailable; relying on inventory',
        );
        return undefined;
      },
    );
  cleanups.unshift(async () => (await subscribed)?.close());
  link.start();
  cleanups.unshift(() => link.stop());

  const code = await exited;
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      logger.warn({ err: String(error) }, 'agent: cleanup step failed');
    }
  }
  logger.info('agent: stopped');
  return code;
}

/** Parses the command line, runs the agent and exits with its code. */
async function main(argv: string[]): Promise<void> {
  let request: ReturnType<typeof loadConfig>;
  try {
    request = loadConfig(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`paddock-agent: ${error.message}\nRun paddock-agent --help for usage.\n`);
      process.exit(2);
    }
    throw error;
  }
  if (request.kind === 'help') {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (request.kind === 'version') {
    process.stdout.write(`${AGENT_VERSION}\n`);
    process.exit(0);
  }
  const logger = createLogger();
  try {
    process.exit(await run(request.config, logger));
  } catch (error) {
    if (error instanceof EnrollmentImpossible) {
      logger.fatal({ err: error.message }, 'enrollment: cannot enroll');
      process.exit(3);
    }
    logger.fatal(
      { err: error instanceof Error ? (error.stack ?? error.message) : String(error) },
      'agent: failed',
    );
    process.exit(1);
  }
}

await main(process.argv.slice(2));
