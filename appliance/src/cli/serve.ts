import type { Config } from '../config.ts';
import { logger } from '../observability/logger.ts';
import { startAppliance } from '../server.ts';

/** `paddock serve`: runs until SIGINT/SIGTERM, then stops cleanly. Returns -1: keep the process. */
export async function serveCommand(config: Config): Promise<number> {
  const running = await startAppliance(config);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await running.stop().catch((error) => logger.error({ err: error }, 'error while stopping'));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return -1;
}
