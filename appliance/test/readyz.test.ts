import { describe, expect, test } from 'bun:test';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { openAppContext } from '../src/runtime.ts';
import { ADMIN_PASSWORD, DIALECTS, freshDatabase } from './support/test-app.ts';

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
