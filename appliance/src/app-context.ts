import type { Kysely } from 'kysely';
import type { CounterStore } from './cache/counter-store.ts';
import type { Config } from './config.ts';
import type { Database } from './db/connect.ts';
import type { DB } from './db/database.ts';
import type { Logger } from './observability/logger.ts';
import type { AppMetrics } from './observability/metrics.ts';

/** The long-lived pieces one appliance process is made of, handed to the HTTP app and the CLI. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  counters: CounterStore;
  metrics: AppMetrics;
  logger: Logger;
  jwtSecret: string;
  version: string;
  startedAt: number;
}
