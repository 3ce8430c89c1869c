import type { AppContext } from './app-context.ts';
import { bootstrap } from './bootstrap.ts';
import { createCounterStore } from './cache/counter-store.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/connect.ts';
import { logger as defaultLogger, type Logger } from './observability/logger.ts';
import { createAppMetrics } from './observability/metrics.ts';
import { VERSION } from './version.ts';

/**
 * Opens the database, migrates and bootstraps it, and assembles the process context. Shared by
 * `serve`, the admin CLI and the tests, so all three see the same appliance.
 */
export async function openAppContext(config: Config, logger: Logger = defaultLogger) {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const boot = await bootstrap(database, { adminPassword: config.adminPassword, logger });
    const counters = createCounterStore(config.redisUrl);
    const ctx: AppContext = {
      config,
      database,
      db: database.db,
      counters,
      metrics: createAppMetrics(database.poolStats),
      logger,
      jwtSecret: config.jwtSecret ?? boot.jwtSecret,
      version: VERSION,
      startedAt: Date.now(),
    };
    const close = async () => {
      counters.close();
      await database.close();
    };
    return { ctx, boot, close };
  } catch (error) {
    await database.close();
    throw error;
  }
}
