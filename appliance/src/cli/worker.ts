import type { Config } from '../config.ts';
import { createServices } from '../http/app.ts';
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
  logger.info({ owner: services.worker.owner }, 'paddock worker running');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping; running tasks are left for another worker');
    await services.worker.stop();
    services.router?.close();
    await close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return -1;
}
