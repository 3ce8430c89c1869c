import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

for (const dialect of DIALECTS) {
  describe(`users, roles and audit on ${dialect}`, () => {
    let t: TestApp;
    let token: string;
    let adminId: string;
    beforeAll(async () => {
      t = await createTestApp(dialect);
      const admin = await t.login();
      token = admin.accessToken;
      adminId = admin.user.id;
    });
    afterAll(() => t.close());

    test('create, read, update and delete a user; each change audited', async () => {
      const created = await t.request('POST', '/api/users', {
        token,
        body: { username: 'Erin', password: 'erin-pass-123', email: 'erin@example.com', roles: ['operator'] },
      });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        username: 'Erin',
        email: 'erin@example.com',
        roles: ['operator'],
        enabled: true,
      });
      expect(created.json.password_hash).toBeUndefined();
      const dup = await t.request('POST', '/api/users', {
        token,
        body: { username: 'erin', password: 'erin-pass-123' },
      });
      expect(dup.status).toBe(409);
      const id = created.json.id;
      const patched = await t.request('PATCH', `/api/users/${id}`, {
        token,
        body: { displayName: 'Erin E.', roles: ['viewer', 'operator'] },
      });
      expect(patched.status).toBe(200);
      expect(patched.json.roles).toEqual(['operator', 'viewer']);
      const badRole = await t.request('PATCH', `/api/users/${id}`, { token, body: { roles: ['nope'] } });
      expect(badRole.status).toBe(422);
      expect(badRole.json.error.details.errors[0].field).toBe('roles');
      expect((await t.request('GET', `/api/users/${id}`, { token })).json.roles).toEqual([
        'operator',
        'viewer',
      ]);
      expect((await t.request('DELETE', `/api/users/${id}`, { token })).status).toBe(204);
      expect((await t.request('GET', `/api/users/${id}`, { token })).status).toBe(404);
      const audit = await t.request('GET', `/api/audit?targetId=${id}&sort=id:asc`, { token });
      expect(
        audit.json.items.map((a: { action: string; outcome: string }) => `${a.action}/${a.outcome}`),
      ).toEqual([
        'users:create/success',
        'users:update/success',
        'users:update/failure',
        'users:delete/success',
      ]);
      expect(audit.json.items[0].username).toBe('admin');
      expect(audit.json.items[0].requestId).toBeString();
    });

    test('a change and its audit record commit together or not at all', async () => {
      const auditBefore = (await t.request('GET', '/api/audit?pageSize=1', { token })).json.total;
      const before = (await t.request('GET', `/api/users/${adminId}`, { token })).json;
      // The display name and the role binding are written first; only then does the check that an
      // administrator remains fail, so without the transaction both writes would stay behind.
      const res = await t.request('PATCH', `/api/users/${adminId}`, {
        token,
        body: { displayName: 'Half Written', roles: ['viewer'] },
      });
      expect(res.status).toBe(409);
      const now = (await t.request('GET', `/api/users/${adminId}`, { token })).json;
      expect(now.displayName ?? null).toBe(before.displayName ?? null);
      expect(now.roles).toEqual(['admin']);
      const after = await t.request('GET', '/api/audit?pageSize=5', { token });
      expect(after.json.total).toBe(auditBefore + 1);
      expect(after.json.items[0]).toMatchObject({ action: 'users:update', outcome: 'failure' });
    });

    test('the last administrator cannot be removed, disabled or stripped of the admin role', async () => {
      expect(
        (await t.request('PATCH', `/api/users/${adminId}`, { token, body: { enabled: false } })).status,
      ).toBe(409);
      expect(
        (await t.request('PUT', `/api/users/${adminId}/roles`, { token, body: { roles: ['viewer'] } }))
          .status,
      ).toBe(409);
      const roles = await t.request('GET', '/api/roles?q=admin', { token });
      const adminRole = roles.json.items.find((r: { name: string }) => r.name === 'admin');
      expect((await t.request('DELETE', `/api/roles/${adminRole.id}`, { token })).status).toBe(409);
      expect(
        (await t.request('DELETE', `/api/role-bindings/${adminId}/${adminRole.id}`, { token })).status,
      ).toBe(409);
      expect((await t.request('GET', '/api/auth/me', { token })).json.roles).toEqual(['admin']);
    });

    test('lists paginate, sort, search and filter', async () => {
      for (let i = 0; i < 12; i++) {
        await t.services.users.create(
          { userId: null, username: 'test', ip: null, requestId: null, action: 'users:create' },
          {
            username: `list-${String(i).padStart(2, '0')}`,
            password: 'list-pass-123',
            enabled: i % 3 !== 0,
            roles: i % 2 ? ['viewer'] : [],
          },
        );
      }
      const page2 = await t.request('GET', '/api/users?q=list-&sort=username:desc&page=2&pageSize=5', {
        token,
      });
      expect(page2.status).toBe(200);
      expect(page2.json.total).toBe(12);
      expect(page2.json.page).toBe(2);
      expect(page2.json.items.map((u: { username: string }) => u.username)).toEqual([
        'list-06',
        'list-05',
        'list-04',
        'list-03',
        'list-02',
      ]);
      const disabled = await t.request('GET', '/api/users?q=list-&enabled=false', { token });
      expect(disabled.json.total).toBe(4);
      const viewers = await t.request('GET', '/api/users?q=list-&role=viewer', { token });
      expect(viewers.json.total).toBe(6);
      const wildcard = await t.request('GET', '/api/users?q=%25', { token });
      expect(wildcard.json.total).toBe(0);
    });

    test('roles: custom role lifecycle; built-in roles keep their grants', async () => {
      const created = await t.request('POST', '/api/roles', {
        token,
        body: { name: 'net-admin', permissions: ['networks:create', 'networks:read'] },
      });
      expect(created.status).toBe(201);
      expect(created.json.permissions).toEqual(['networks:create', 'networks:read']);
      const bad = await t.request('POST', '/api/roles', {
        token,
        body: { name: 'bad', permissions: ['nuclear:launch'] },
      });
      expect(bad.status).toBe(422);
      const viewer = (await t.request('GET', '/api/roles?builtin=true', { token })).json.items.find(
        (r: { name: string }) => r.name === 'viewer',
      );
      expect(
        (await t.request('PATCH', `/api/roles/${viewer.id}`, { token, body: { permissions: ['*'] } })).status,
      ).toBe(409);
      const perms = await t.request('GET', '/api/permissions', { token });
      expect(perms.json.map((p: { name: string }) => p.name)).toContain('vms:operate');
      const user = await t.userWithRoles('nina', []);
      expect(
        (
          await t.request('POST', '/api/role-bindings', {
            token,
            body: { userId: user.id, roleId: created.json.id },
          })
        ).status,
      ).toBe(204);
      const bindings = await t.request('GET', `/api/role-bindings?userId=${user.id}`, { token });
      expect(bindings.json).toEqual([expect.objectContaining({ username: 'nina', role: 'net-admin' })]);
      expect((await t.request('DELETE', `/api/roles/${created.json.id}`, { token })).status).toBe(204);
      expect((await t.request('GET', `/api/users/${user.id}`, { token })).json.roles).toEqual([]);
    });

    test('audit log filters by user, action, outcome and time range', async () => {
      const from = new Date(Date.now() - 60_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const byAction = await t.request('GET', `/api/audit?action=auth:login&from=${from}&to=${to}`, {
        token,
      });
      expect(byAction.json.total).toBeGreaterThan(0);
      expect(byAction.json.items.every((a: { action: string }) => a.action === 'auth:login')).toBe(true);
      const byUser = await t.request('GET', `/api/audit?userId=${adminId}&outcome=failure`, { token });
      expect(byUser.json.total).toBeGreaterThan(0);
      expect(
        byUser.json.items.every(
          (a: { userId: string; outcome: string }) => a.userId === adminId && a.outcome === 'failure',
        ),
      ).toBe(true);
      const future = await t.request('GET', `/api/audit?from=${to}`, { token });
      expect(future.json.total).toBe(0);
      const inverted = await t.request('GET', `/api/audit?from=${to}&to=${from}`, { token });
      expect(inverted.status).toBe(422);
    });
  });
}
