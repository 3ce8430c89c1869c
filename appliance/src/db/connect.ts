import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import type { DB } from './database.ts';
import { loadPgliteAssets } from './pglite-assets.ts';
import { SerialPGliteDialect } from './pglite-serial-dialect.ts';

/** Pool figures for /metrics, whichever engine is behind the database. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** An open database: Kysely plus what the rest of the appliance needs to know about the engine. */
export interface Database {
  db: Kysely<DB>;
  kind: 'pglite' | 'postgres';
  /** Human-readable location without credentials, for logs. */
  location: string;
  poolStats(): PoolStats;
  /**
   * Calls `onNotify` on every NOTIFY to `channel` (delivered when the notifying transaction
   * commits, from any process on the same database). Returns the unlisten function.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// int8 (count(*), bigint byte counts) and numeric arrive as strings from `pg` but as numbers from
// PGlite: parse them to numbers so both engines return the same rows. Byte counts stay < 2^53.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1700, (value) => Number(value));

/** Opens PostgreSQL when a URL is given, else the embedded PGlite under `dataDir/db`. */
export async function openDatabase(opts: {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
}): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize ?? 10) : openPglite(opts.dataDir);
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client dropped by the server emits 'error' on the pool; without a listener it crashes.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const location = new URL(url);
  location.password = '';
  location.username = '';
  const listeners = new Set<pg.PoolClient>();
  let closing = false;
  return {
    db,
    kind: 'postgres',
    location: location.toString(),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async listen(channel, onNotify) {
      // A LISTEN needs its own connection for as long as it listens. That connection can die (a
      // PostgreSQL restart, pg_terminate_backend): its 'error' must not crash the process, and the
      // LISTEN comes back on a new one, after which listeners re-check once for what they missed.
      let client: pg.PoolClient | undefined;
      let stopped = false;
      let retry: ReturnType<typeof setTimeout> | undefined;
      const attach = async (): Promise<void> => {
        const next = await pool.connect();
        next.on('error', (error) => {
          // Not ours any more (unlistened, or released by close()): releasing again would throw.
          if (!listeners.delete(next)) return;
          client = undefined;
          next.release(error);
          reattach(1000);
        });
        next.on('notification', (n) => {
          if (n.channel === channel) onNotify();
        });
        try {
          await next.query(`LISTEN ${channel}`);
        } catch (error) {
          next.release(error as Error);
          throw error;
        }
        if (stopped || closing) {
          next.release();
          return;
        }
        client = next;
        listeners.add(next);
      };
      const reattach = (delayMs: number) => {
        if (stopped || closing) return;
        retry = setTimeout(() => {
          if (stopped || closing) return;
          attach().then(
            () => onNotify(),
            () => reattach(Math.min(delayMs * 2, 30_000)),
          );
        }, delayMs);
        // A LISTEN waiting to come back must not keep a stopping process alive.
        retry.unref();
      };
      await attach();
      return async () => {
        stopped = true;
        clearTimeout(retry);
        const held = client;
        client = undefined;
        if (!held || !listeners.delete(held)) return;
        await held.query(`UNLISTEN ${channel}`).catch(() => {});
        held.release();
      };
    },
    close: async () => {
      // A LISTEN client still held would make pool.end() wait forever.
      closing = true;
      for (const client of listeners) client.release();
      listeners.clear();
      await db.destroy();
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const dir = join(dataDir, 'db');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const unlock = lockDataDir(dataDir);
  try {
    const assets = await loadPgliteAssets();
    const pglite = await PGlite.create({ dataDir: dir, ...assets });
    const dialect = new SerialPGliteDialect(pglite);
    const db = new Kysely<DB>({ dialect });
    return {
      db,
      kind: 'pglite',
      location: dir,
      poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
      async listen(channel, onNotify) {
        return pglite.listen(channel, () => onNotify());
      },
      close: async () => {
        await db.destroy();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
