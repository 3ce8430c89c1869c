import { expect, test } from 'bun:test';
import pg from 'pg';
import { type Database, openDatabase } from '../src/db/connect.ts';
import { freshDatabase, PG_ADMIN_URL } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

// The task worker and the stream guard each hold a LISTEN connection for the life of the process.

/** A PostgreSQL database opened as the appliance opens it, a way to drop its connections, and the
 * uncaught errors seen meanwhile. */
async function withDroppableDatabase(
  run: (db: {
    opened: Database;
    url: string;
    dropConnections(): Promise<void>;
    uncaught: unknown[];
  }) => Promise<void>,
): Promise<void> {
  const database = await freshDatabase('postgres');
  const url = database.env.DATABASE_URL ?? '';
  const name = new URL(url).pathname.slice(1);
  const opened = await openDatabase({ databaseUrl: url, dataDir: database.dataDir });
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    const dropConnections = async () => {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    };
    await run({ opened, url, dropConnections, uncaught });
  } finally {
    process.off('uncaughtException', onUncaught);
    await admin.end();
    await opened.close().catch(() => {});
    await database.drop();
  }
}

test('a LISTEN connection the server drops neither crashes the process nor stays deaf', async () => {
  await withDroppableDatabase(async ({ opened, url, dropConnections, uncaught }) => {
    let heard = 0;
    const stop = await opened.listen('paddock_test_channel', () => {
      heard += 1;
    });
    await dropConnections();
    // Back on a new connection: it re-checks once on its own, then hears new notifications.
    await waitFor('the LISTEN to come back', async () => heard >= 1, 15_000);
    const before = heard;
    const notifier = new pg.Client({ connectionString: url });
    await notifier.connect();
    await notifier.query('NOTIFY paddock_test_channel');
    await notifier.end();
    await waitFor('a notification after the reconnection', async () => heard > before, 10_000);
    expect(uncaught).toEqual([]);
    await stop();
  });
});

test('closing the database while its dropped LISTEN connection reports the error does not throw', async () => {
  await withDroppableDatabase(async ({ opened, dropConnections, uncaught }) => {
    await opened.listen('paddock_test_channel', () => {});
    // The appliance shuts down just as the server drops its connections (the readyz test does this).
    await dropConnections();
    await opened.close();
    await Bun.sleep(500);
    expect(uncaught).toEqual([]);
  });
});
