import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { loadConfig } from '../src/config.ts';
import { pruneAuditLog } from '../src/modules/audit/service.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

for (const dialect of DIALECTS) {
  describe(`audit volume on ${dialect}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect);
    });
    afterAll(() => t.close());

    const auditRows = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom('audit_logs')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('a flood of refused anonymous requests writes a bounded number of audit rows', async () => {
      const before = await auditRows();
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < 150; i++) {
        sends.push(t.request('POST', '/api/users', { body: { username: `x${i}`, password: 'p' } }));
        sends.push(t.request('DELETE', `/api/vms/${crypto.randomUUID()}`));
        sends.push(t.request('POST', '/api/auth/refresh', { body: { refreshToken: `nope-${i}` } }));
        sends.push(t.request('POST', '/api/auth/login', { body: { nonsense: true } }));
      }
      await Promise.all(sends);
      const written = (await auditRows()) - before;
      // Some are kept so the flood is visible in the log, but not one row per request.
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThanOrEqual(25);
      const marker = await t.ctx.db.selectFrom('audit_logs').select('detail').orderBy('id', 'desc').execute();
      expect(marker.some((r) => (r.detail as { suppressed?: unknown }).suppressed !== undefined)).toBe(true);
    });

    test('a failed login writes one audit row, not two', async () => {
      const requestId = `one-row-${crypto.randomUUID()}`;
      const res = await t.request('POST', '/api/auth/login', {
        body: { username: 'admin', password: 'not-the-password' },
        headers: { 'x-request-id': requestId },
      });
      expect(res.status).toBe(401);
      const rows = await t.ctx.db
        .selectFrom('audit_logs')
        .selectAll()
        .where('request_id', '=', requestId)
        .execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.username).toBe('admin');
      await t.ctx.counters.reset('login:user-ip:admin:unknown');
    });

    test('records older than the retention are pruned in bounded batches; newer ones stay', async () => {
      const ago = (days: number) => new Date(Date.now() - days * 86_400_000);
      const row = (timestamp: Date, n: number) => ({
        action: 'retention-test',
        outcome: 'success',
        detail: JSON.stringify({ n }),
        timestamp,
      });
      await t.ctx.db
        .insertInto('audit_logs')
        .values([
          ...Array.from({ length: 10 }, (_, n) => row(ago(100), n)),
          ...Array.from({ length: 3 }, (_, n) => row(ago(10), n)),
        ])
        .execute();
      const left = () =>
        t.ctx.db
          .selectFrom('audit_logs')
          .select('timestamp')
          .where('action', '=', 'retention-test')
          .execute();
      expect(await pruneAuditLog(t.ctx.db, 90, { batchSize: 4, maxBatches: 2 })).toBe(8);
      expect(await left()).toHaveLength(5);
      expect(await pruneAuditLog(t.ctx.db, 90, { batchSize: 4, maxBatches: 2 })).toBe(2);
      const kept = await left();
      expect(kept).toHaveLength(3);
      for (const r of kept) expect(new Date(r.timestamp).getTime()).toBeGreaterThan(ago(90).getTime());
      // 0 days means keep everything.
      expect(await pruneAuditLog(t.ctx.db, 0)).toBe(0);
    });
  });
}

test('the audit retention defaults to 90 days and is configurable', () => {
  expect(loadConfig(new Map(), {}).auditRetentionDays).toBe(90);
  expect(loadConfig(new Map(), { PADDOCK_AUDIT_RETENTION_DAYS: '30' }).auditRetentionDays).toBe(30);
  expect(() => loadConfig(new Map(), { PADDOCK_AUDIT_RETENTION_DAYS: 'forever' })).toThrow(
    /PADDOCK_AUDIT_RETENTION_DAYS/,
  );
});
