import type { Config } from './config.ts';
import { startLivenessSweeper } from './agents/liveness.ts';
import { createApp } from './http/app.ts';
import { createServices } from './services.ts';
import { pruneAuditLog } from './modules/audit/service.ts';
import { logger } from './observability/logger.ts';
import { openAppContext } from './runtime.ts';

/** A running appliance: HTTP server plus everything it holds open. */
export interface RunningAppliance {
  url: string;
  stop(): Promise<void>;
}

/** Starts `paddock serve`. */
export async function startAppliance(config: Config): Promise<RunningAppliance> {
  const { ctx, boot, close } = await openAppContext(config);
  if (boot.createdAdmin) {
    if (boot.createdAdmin.generated) {
      // Printed once, on the terminal/journal of the first start; it is never stored in clear.
      console.log(
        `\n  First start: created user "admin" with password: ${boot.createdAdmin.password}\n  Change it after signing in.\n`,
      );
    } else {
      logger.info('first start: created user "admin" with the password from PADDOCK_ADMIN_PASSWORD');
    }
  }
  const services = createServices(ctx);
  const app = createApp(ctx, services);
  const stopSweeper = startLivenessSweeper(services.sessions, logger, config.nodeOfflineAfterMs);
  // Every login and refresh adds a row, every change an audit record; without this both only grow.
  const purge = () => {
    void services.auth
      .purgeExpiredRefreshTokens()
      .catch((err) => logger.warn({ err }, 'could not purge expired refresh tokens'));
    void pruneAuditLog(ctx.db, config.auditRetentionDays)
      .then((n) => n > 0 && logger.info({ deleted: n }, 'pruned audit records past their retention'))
      .catch((err) => logger.warn({ err }, 'could not prune the audit log'));
  };
  purge();
  const purgeTimer = setInterval(purge, 3600_000);
  await services.router?.start();
  services.worker.start();
  const tls =
    config.tlsCert && config.tlsKey
      ? { cert: Bun.file(config.tlsCert), key: Bun.file(config.tlsKey) }
      : undefined;
  app.listen({
    hostname: config.host,
    port: config.port,
    // Bun allows several processes on one port by default; a second appliance must fail instead.
    reusePort: false,
    // The upload route is the only one taking large bodies (streamed, after access checks); every
    // other body is counted against maxBodyBytes while read (http/request-body.ts).
    maxRequestBodySize: Math.max(config.maxUploadBytes, config.maxBodyBytes),
    ...(tls && { tls }),
  });
  const server = app.server;
  if (!server) throw new Error(`could not listen on ${config.host}:${config.port}`);
  const url = `${tls ? 'https' : 'http'}://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${server.port}`;
  logger.info(
    { url, database: ctx.database.kind, location: ctx.database.location, redis: ctx.counters.kind },
    'paddock is serving',
  );
  return {
    url,
    async stop() {
      stopSweeper();
      clearInterval(purgeTimer);
      await services.worker.stop();
      services.streams.stop();
      services.hub.closeAll();
      services.router?.close();
      await app.stop(true);
      await close();
    },
  };
}
