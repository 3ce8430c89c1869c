import { describe, expect, test } from 'bun:test';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { openAppContext } from '../src/runtime.ts';
import pg from 'pg';
import { ADMIN_PASSWORD, DIALECTS, freshDatabase, PG_ADMIN_URL } from './support/test-app.ts';

for (const dialect of DIALECTS) {
  describe(`/readyz on ${dialect}`, () => {
    test('a database failure makes it 503 without showing the raw database error', async () => {
      const database = await freshDatabase(dialect);
      try {
        const config = loadConfig(new Map([['data', database.dataDir]]), {
          PADDOCK_ADMIN_PASSWORD: ADMIN_PASSWORD,
          ...database.env,
        });
        const { ctx, close } = await openAppContext(config);
        const app = createApp(ctx);
        // The database goes away under the running appliance.
        await close();
        const res = await app.handle(new Request('http://localhost/readyz'));
        expect(res.status).toBe(503);
        const body = (await res.json()) as { checks: { database: { ok: boolean; error?: string } } };
        expect(body.checks.database.ok).toBe(false);
        expect(body.checks.database.error).toBe('unreachable');
        const text = JSON.stringify(body);
        for (const leak of [database.dataDir, 'pool', 'PGlite', 'closed', 'postgres', 'end']) {
          expect(text).not.toContain(leak);
        }
      } finally {
        await database.drop();
      }
    });
  });
}

test('PostgreSQL refusing connections: /readyz does not name the database or repeat its message', async () => {
  const database = await freshDatabase('postgres');
  const name = new URL(database.env.DATABASE_URL ?? '').pathname.slice(1);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const config = loadConfig(new Map([['data', database.dataDir]]), {
      PADDOCK_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...database.env,
    });
    const { ctx, close } = await openAppContext(config);
    try {
      const app = createApp(ctx);
      expect((await app.handle(new Request('http://localhost/readyz'))).status).toBe(200);
      // The server stops taking connections to this database and drops the ones it has.
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      const res = await app.handle(new Request('http://localhost/readyz'));
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).not.toContain(name);
      expect(text).not.toContain('connection');
      expect(JSON.parse(text).checks.database).toEqual({ ok: false, error: 'unreachable' });
    } finally {
      await close().catch(() => {});
    }
  } finally {
    await admin.end();
    await database.drop();
  }
});
