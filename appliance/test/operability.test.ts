import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { RedisClient } from 'bun';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

const REDIS_URL = process.env.PADDOCK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Runs `promtool check metrics` on an exposition; returns its complaints. */
async function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn(['promtool', 'check', 'metrics'], {
    stdin: new Blob([text]),
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, output: out + err };
}

for (const dialect of DIALECTS) {
  describe(`operability on ${dialect}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect);
    });
    afterAll(() => t.close());

    test('/healthz and /readyz answer without credentials', async () => {
      const health = await t.request('GET', '/healthz');
      expect(health.status).toBe(200);
      expect(health.json.status).toBe('ok');
      const ready = await t.request('GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.json.checks.database.ok).toBe(true);
    });

    test('GET /api/system tells a signed-in user the version, database kind and Redis use', async () => {
      expect((await t.request('GET', '/api/system')).status).toBe(401);
      const viewer = await t.userWithRoles(`sys-${dialect}`, ['viewer']);
      const res = await t.request('GET', '/api/system', { token: viewer.accessToken });
      expect(res.status).toBe(200);
      const health = await t.request('GET', '/healthz');
      expect(res.json).toEqual({
        version: health.json.version,
        database: dialect === 'pglite' ? 'pglite' : 'postgresql',
        redis: false,
        startedAt: new Date(t.ctx.startedAt).toISOString(),
      });
    });

    test('/metrics is Prometheus text that passes promtool, with HTTP, DB pool and process families', async () => {
      const { accessToken } = await t.login();
      await t.request('GET', '/api/users', { token: accessToken });
      await t.request('GET', '/api/users');
      // Request metrics are recorded after the response has gone out.
      await Bun.sleep(50);
      const res = await t.request('GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      expect(res.text).toMatch(
        /paddock_http_requests_total\{method="GET",route="\/api\/users\/",status="401"\} 1/,
      );
      expect(res.text).toContain(
        'paddock_http_request_duration_seconds_bucket{method="GET",route="/api/users/",le="+Inf"}',
      );
      expect(res.text).toContain('paddock_db_pool_connections{state="total"}');
      expect(res.text).toContain('process_resident_memory_bytes');
      const check = await promtoolCheck(res.text);
      expect(check).toEqual({ code: 0, output: '' });
    });

    test('every response carries a request id; a sane incoming one is kept and reaches the audit log', async () => {
      const generated = await t.request('GET', '/healthz');
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const kept = await t.request('POST', '/api/auth/login', {
        body: { username: 'admin', password: 'wrong-password' },
        headers: { 'x-request-id': 'trace-abc-12345' },
      });
      expect(kept.headers.get('x-request-id')).toBe('trace-abc-12345');
      const row = await t.ctx.db
        .selectFrom('audit_logs')
        .selectAll()
        .where('request_id', '=', 'trace-abc-12345')
        .executeTakeFirst();
      expect(row?.outcome).toBe('failure');
      const refused = await t.request('GET', '/healthz', {
        headers: { 'x-request-id': 'bad id with spaces\n' },
      });
      expect(refused.headers.get('x-request-id')).not.toContain(' ');
    });

    test('the OpenAPI document covers every API route with its permission, and /api/docs renders it', async () => {
      const spec = await t.request('GET', '/api/openapi.json');
      expect(spec.status).toBe(200);
      expect(spec.json.openapi).toMatch(/^3\./);
      const ops = Object.entries(
        spec.json.paths as Record<string, Record<string, { 'x-permission'?: string }>>,
      ).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ path, method, permission: op['x-permission'] })),
      );
      expect(ops.find((o) => o.path.startsWith('/api/users') && o.method === 'post')?.permission).toBe(
        'users:create',
      );
      const apiRoutes = t.app.routes.filter(
        (r) =>
          r.path.startsWith('/api/') && !r.path.startsWith('/api/docs') && r.path !== '/api/openapi.json',
      );
      for (const r of apiRoutes) {
        const openapiPath = r.path.replace(/\/$/, '').replace(/:(\w+)/g, '{$1}');
        const found = ops.some(
          (o) => o.path.replace(/\/$/, '') === openapiPath && o.method === r.method.toLowerCase(),
        );
        expect({ route: `${r.method} ${r.path}`, found }).toEqual({
          route: `${r.method} ${r.path}`,
          found: true,
        });
      }
      const docs = await t.request('GET', '/api/docs');
      expect(docs.status).toBe(200);
      expect(docs.text).toContain('/api/openapi.json');
    });
  });
}

describe('with Redis (REDIS_URL)', () => {
  let t: TestApp;
  let redis: RedisClient;
  beforeAll(async () => {
    redis = new RedisClient(REDIS_URL);
    await redis.connect();
    t = await createTestApp('pglite', { REDIS_URL, PADDOCK_LOGIN_MAX_FAILURES: '2' });
  });
  afterAll(async () => {
    await t.close();
    redis.close();
  });

  test('failed-login counters live in Redis with an expiry, shared by every replica', async () => {
    const username = `redis-${crypto.randomUUID().slice(0, 8)}`;
    await t.userWithRoles(username, ['viewer']);
    for (let i = 0; i < 2; i++) {
      expect(
        (await t.request('POST', '/api/auth/login', { body: { username, password: 'wrong-password' } }))
          .status,
      ).toBe(401);
    }
    const key = `paddock:login:user:${username}`;
    expect(await redis.get(key)).toBe('2');
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    // A second replica on the same Redis sees the same counter and refuses too.
    const replica = await createTestApp('pglite', { REDIS_URL, PADDOCK_LOGIN_MAX_FAILURES: '2' });
    try {
      expect(
        (await replica.request('POST', '/api/auth/login', { body: { username, password: 'user-pass-123' } }))
          .status,
      ).toBe(429);
    } finally {
      await replica.close();
    }
    // The address's lock for this user is what refused it; lifting the locks lets the user in again
    // (and keeps the shared Redis from carrying this run's attempts into the next run).
    await redis.del(key, `paddock:login:user-ip:${username}:unknown`, 'paddock:login:ip:unknown');
    expect(
      (await t.request('POST', '/api/auth/login', { body: { username, password: 'user-pass-123' } })).status,
    ).toBe(200);
  });

  test('/readyz checks Redis too', async () => {
    const ready = await t.request('GET', '/readyz');
    expect(ready.json.checks.redis).toEqual({ ok: true });
  });

  test('GET /api/system says Redis is in use', async () => {
    const { accessToken } = await t.login();
    const res = await t.request('GET', '/api/system', { token: accessToken });
    expect(res.json).toMatchObject({ database: 'pglite', redis: true });
  });
});
