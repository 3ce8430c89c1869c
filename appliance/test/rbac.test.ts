import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { BUILTIN_ROLES } from '@paddock/protocol/api/permissions';
import { concretePath, MUTATING, routesOf } from './support/routes.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

// Anonymous callers may reach only these; everything else answers 401.
const PUBLIC = new Set([
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/logout',
  'POST /api/agents/enroll',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /api/openapi.json',
  'GET /api/docs',
  'GET /',
  'GET /*',
]);

for (const dialect of DIALECTS) {
  describe(`RBAC on ${dialect}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect);
    });
    afterAll(() => t.close());

    test('every route declares its access, and only the known public ones are public', () => {
      const routes = routesOf(t);
      expect(routes.length).toBeGreaterThan(15);
      for (const r of routes) {
        const key = `${r.method} ${r.path}`;
        if (key === 'GET /api/openapi.json' || key === 'GET /api/docs') continue;
        expect({ key, access: r.access }).toEqual({ key, access: expect.any(String) });
        if (r.access === 'public' || r.access === 'agent')
          expect({ key, public: PUBLIC.has(key) }).toEqual({ key, public: true });
      }
    });

    test('anonymous callers get 401 on every route but the public ones', async () => {
      for (const r of routesOf(t)) {
        const key = `${r.method} ${r.path}`;
        const res = await t.request(
          r.method,
          concretePath(r.path),
          MUTATING.has(r.method) ? { body: {} } : {},
        );
        if (PUBLIC.has(key)) expect({ key, status: res.status }).not.toEqual({ key, status: 401 });
        else
          expect({ key, status: res.status, code: res.json?.error?.code }).toEqual({
            key,
            status: 401,
            code: 'UNAUTHENTICATED',
          });
      }
    });

    test('a viewer gets 403 on every mutating route (and the denial is audited)', async () => {
      const viewer = await t.userWithRoles('vera', ['viewer']);
      let checked = 0;
      for (const r of routesOf(t)) {
        if (!MUTATING.has(r.method) || ['public', 'authenticated', 'agent'].includes(r.access ?? ''))
          continue;
        // A POST that only asks a question (placement preview) declares a read permission.
        if (r.access?.endsWith(':read')) continue;
        const res = await t.request(r.method, concretePath(r.path), { token: viewer.accessToken, body: {} });
        expect({ key: `${r.method} ${r.path}`, status: res.status }).toEqual({
          key: `${r.method} ${r.path}`,
          status: 403,
        });
        expect(res.json.error.code).toBe('FORBIDDEN');
        checked++;
      }
      expect(checked).toBeGreaterThan(8);
      const denied = await t.ctx.db
        .selectFrom('audit_logs')
        .selectAll()
        .where('username', '=', 'vera')
        .where('outcome', '=', 'denied')
        .execute();
      expect(denied.length).toBe(checked);
    });

    test('a viewer may read what the viewer role grants, but not users, roles or audit', async () => {
      const viewer = await t.login('vera', 'user-pass-123');
      expect((await t.request('GET', '/api/users', { token: viewer.accessToken })).status).toBe(403);
      expect((await t.request('GET', '/api/roles', { token: viewer.accessToken })).status).toBe(403);
      expect((await t.request('GET', '/api/audit', { token: viewer.accessToken })).status).toBe(403);
      expect((await t.request('GET', '/api/auth/me', { token: viewer.accessToken })).status).toBe(200);
      // Every list the viewer role grants answers, so a role that lost its grants would fail here.
      const granted = new Set<string>(BUILTIN_ROLES.viewer!.permissions);
      const reads: string[] = [];
      for (const r of routesOf(t)) {
        if (r.method !== 'GET' || !granted.has(r.access ?? '') || r.path.includes(':')) continue;
        const res = await t.request('GET', r.path, { token: viewer.accessToken });
        expect({ key: `GET ${r.path}`, status: res.status }).toEqual({ key: `GET ${r.path}`, status: 200 });
        reads.push(r.path);
      }
      expect(reads).toContain('/api/vms/');
      expect(reads.length).toBeGreaterThan(5);
    });

    test('a custom role grants exactly its permissions', async () => {
      const admin = await t.login();
      const role = await t.request('POST', '/api/roles', {
        token: admin.accessToken,
        body: {
          name: 'auditor',
          description: 'reads the audit log',
          permissions: ['audit:read', 'users:read'],
        },
      });
      expect(role.status).toBe(201);
      const auditor = await t.userWithRoles('alice', ['auditor']);
      expect((await t.request('GET', '/api/audit', { token: auditor.accessToken })).status).toBe(200);
      expect((await t.request('GET', '/api/users', { token: auditor.accessToken })).status).toBe(200);
      expect((await t.request('GET', '/api/roles', { token: auditor.accessToken })).status).toBe(403);
      expect((await t.request('POST', '/api/users', { token: auditor.accessToken, body: {} })).status).toBe(
        403,
      );
      // Revoking the grant takes effect on the next request, not at token expiry.
      await t.request('PATCH', `/api/roles/${role.json.id}`, {
        token: admin.accessToken,
        body: { permissions: ['users:read'] },
      });
      expect((await t.request('GET', '/api/audit', { token: auditor.accessToken })).status).toBe(403);
    });

    test('the admin reaches every route without 401/403/500', async () => {
      const admin = await t.login();
      for (const r of routesOf(t)) {
        // /api/events is an endless stream (tested in tasks.test.ts).
        if (['/api/auth/logout', '/api/auth/password', '/api/agents/enroll', '/api/events'].includes(r.path))
          continue;
        const res = await t.request(r.method, concretePath(r.path), {
          token: admin.accessToken,
          ...(MUTATING.has(r.method) ? { body: {} } : {}),
        });
        const denied = [401, 403, 500].includes(res.status);
        expect({ key: `${r.method} ${r.path}`, denied, status: res.status }).toEqual({
          key: `${r.method} ${r.path}`,
          denied: false,
          status: res.status,
        });
      }
    });
  });
}
