import type { AppContext } from '../app-context.ts';
import type { Config } from '../config.ts';
import { createServices } from '../services.ts';
import { logger } from '../observability/logger.ts';
import { openAppContext } from '../runtime.ts';

/**
 * `paddock worker`: runs tasks only, beside one or more `paddock serve` on the same PostgreSQL.
 * It holds no agent links, so it reaches agents through the replica that does (Redis); that is
 * why it needs both DATABASE_URL and REDIS_URL. Returns -1: keep the process.
 */
export async function workerCommand(config: Config): Promise<number> {
  if (!config.databaseUrl) {
    console.error(
      'paddock worker: needs DATABASE_URL (the embedded database serves one process: its worker runs inside `paddock serve`)',
    );
    return 2;
  }
  if (!config.redisUrl) {
    console.error('paddock worker: needs REDIS_URL to reach the agents connected to the serving replicas');
    return 2;
  }
  const { ctx, close } = await openAppContext(config);
  const services = createServices(ctx);
  await services.router?.start();
  services.worker.start();
  const metrics = serveWorkerMetrics(config.workerMetricsListen, ctx);
  logger.info(
    {
      owner: services.worker.owner,
      metrics: metrics ? `http://${config.workerMetricsListen}/metrics` : 'off',
    },
    'paddock worker running',
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping; running tasks are left for another worker');
    await services.worker.stop();
    await metrics?.stop(true);
    services.router?.close();
    await close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return -1;
}

/**
 * The worker's own /metrics: the tasks it settled (paddock_tasks_total) and its process figures.
 * The installation's state (nodes, VMs, queue) comes from the `serve` replicas only, so that it is
 * not reported once more by every worker.
 */
function serveWorkerMetrics(listen: string, ctx: AppContext): ReturnType<typeof Bun.serve> | undefined {
  if (listen === 'off') return undefined;
  const colon = listen.lastIndexOf(':');
  const port = Number(listen.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--metrics-listen must be host:port or 'off', got "${listen}"`);
  return Bun.serve({
    hostname: listen.slice(0, colon) || '0.0.0.0',
    port,
    // Bun shares a port between processes by default: a second worker on the host must fail.
    reusePort: false,
    fetch: async (request) => {
      if (new URL(request.url).pathname !== '/metrics') return new Response('not found', { status: 404 });
      await ctx.metrics.registry.collect();
      return new Response(ctx.metrics.registry.render(), {
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
      });
    },
  });
}
