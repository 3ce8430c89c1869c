import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { ADMIN_PASSWORD, createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

// Holding `roles:update` or `users:update` must not be a way to more power: a caller can grant,
// take away or manage only permissions they hold themselves, so only an admin can hand out `*`,
// bind `admin` or touch another admin's account.
for (const dialect of DIALECTS) {
  describe(`privilege escalation on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    let adminId: string;
    const roleIds = new Map<string, string>();

    async function role(name: string, permissions: string[]) {
      const res = await t.request('POST', '/api/roles', { token: admin, body: { name, permissions } });
      if (res.status !== 201) throw new Error(`role ${name}: ${res.status} ${res.text}`);
      roleIds.set(name, res.json.id);
      return res.json.id as string;
    }

    const rolePermissions = async (id: string) =>
      (await t.request('GET', `/api/roles/${id}`, { token: admin })).json.permissions as string[];

    beforeAll(async () => {
      t = await createTestApp(dialect);
      const session = await t.login();
      admin = session.accessToken;
      adminId = session.user.id;
      const builtin = (await t.request('GET', '/api/roles?builtin=true', { token: admin })).json.items;
      for (const r of builtin as Array<{ name: string; id: string }>) roleIds.set(r.name, r.id);
      await role('role-editor', ['roles:read', 'roles:update']);
      await role('role-manager', ['roles:read', 'roles:create', 'roles:update', 'roles:delete', 'vms:read']);
      await role('user-manager', ['users:read', 'users:create', 'users:update', 'users:delete', 'vms:read']);
      await role('vm-reader', ['vms:read']);
      await role('vm-deleter', ['vms:read', 'vms:delete']);
    });
    afterAll(() => t.close());

    test('roles:update cannot widen any role, its own included, beyond what the caller holds', async () => {
      const editor = await t.userWithRoles('eddie', ['role-editor']);
      const own = roleIds.get('role-editor')!;
      for (const permissions of [['*'], ['roles:read', 'roles:update', 'users:update']]) {
        const res = await t.request('PATCH', `/api/roles/${own}`, {
          token: editor.accessToken,
          body: { permissions },
        });
        expect({ permissions, status: res.status, code: res.json?.error?.code }).toEqual({
          permissions,
          status: 403,
          code: 'FORBIDDEN',
        });
      }
      const other = await t.request('PATCH', `/api/roles/${roleIds.get('vm-reader')}`, {
        token: editor.accessToken,
        body: { permissions: ['vms:read', 'vms:delete'] },
      });
      expect(other.status).toBe(403);
      expect(other.json.error.details.permissions).toEqual(['vms:delete']);
      expect(await rolePermissions(own)).toEqual(['roles:read', 'roles:update']);
      expect(await rolePermissions(roleIds.get('vm-reader')!)).toEqual(['vms:read']);
      expect(
        (await t.request('GET', '/api/auth/me', { token: editor.accessToken })).json.permissions,
      ).toEqual(['roles:read', 'roles:update']);
      const denied = await t.ctx.db
        .selectFrom('audit_logs')
        .select(['action', 'outcome'])
        .where('username', '=', 'eddie')
        .where('outcome', '=', 'denied')
        .execute();
      expect(denied.length).toBe(3);
    });

    test('roles:update cannot strip from a role a permission the caller does not hold', async () => {
      const manager = await t.login('eddie', 'user-pass-123');
      const res = await t.request('PATCH', `/api/roles/${roleIds.get('vm-deleter')}`, {
        token: manager.accessToken,
        body: { permissions: ['vms:read'] },
      });
      expect(res.status).toBe(403);
      expect(await rolePermissions(roleIds.get('vm-deleter')!)).toEqual(['vms:delete', 'vms:read']);
    });

    test('roles:create and roles:delete stay within the caller’s permissions; held ones work', async () => {
      const manager = await t.userWithRoles('molly', ['role-manager']);
      const star = await t.request('POST', '/api/roles', {
        token: manager.accessToken,
        body: { name: 'my-star', permissions: ['*'] },
      });
      expect(star.status).toBe(403);
      const wider = await t.request('POST', '/api/roles', {
        token: manager.accessToken,
        body: { name: 'my-wider', permissions: ['vms:read', 'vms:delete'] },
      });
      expect(wider.status).toBe(403);
      expect((await t.request('GET', '/api/roles?q=my-', { token: admin })).json.total).toBe(0);
      const held = await t.request('POST', '/api/roles', {
        token: manager.accessToken,
        body: { name: 'my-reader', permissions: ['vms:read'] },
      });
      expect(held.status).toBe(201);
      const patched = await t.request('PATCH', `/api/roles/${held.json.id}`, {
        token: manager.accessToken,
        body: { permissions: ['vms:read', 'roles:read'], description: 'reads' },
      });
      expect(patched.status).toBe(200);
      const dropDeleter = await t.request('DELETE', `/api/roles/${roleIds.get('vm-deleter')}`, {
        token: manager.accessToken,
      });
      expect(dropDeleter.status).toBe(403);
      expect(
        (await t.request('GET', `/api/roles/${roleIds.get('vm-deleter')}`, { token: admin })).status,
      ).toBe(200);
      expect(
        (await t.request('DELETE', `/api/roles/${held.json.id}`, { token: manager.accessToken })).status,
      ).toBe(204);
    });

    test('users:update cannot bind admin (or any wider role) to itself or anyone, by any route', async () => {
      const manager = await t.userWithRoles('ursula', ['user-manager']);
      const other = await t.userWithRoles('oscar', []);
      const attempts: Array<[string, string, unknown]> = [
        ['POST', '/api/role-bindings', { userId: manager.id, roleId: roleIds.get('admin') }],
        ['POST', '/api/role-bindings', { userId: other.id, roleId: roleIds.get('operator') }],
        ['PUT', `/api/users/${manager.id}/roles`, { roles: ['user-manager', 'admin'] }],
        ['PATCH', `/api/users/${manager.id}`, { roles: ['user-manager', 'vm-deleter'] }],
        ['PATCH', `/api/users/${other.id}`, { roles: ['admin'] }],
        ['POST', '/api/users', { username: 'sneaky', password: 'sneaky-pass-1', roles: ['admin'] }],
      ];
      for (const [method, path, body] of attempts) {
        const res = await t.request(method, path, { token: manager.accessToken, body });
        expect({ method, path, status: res.status, code: res.json?.error?.code }).toEqual({
          method,
          path,
          status: 403,
          code: 'FORBIDDEN',
        });
      }
      expect((await t.request('GET', `/api/users/${manager.id}`, { token: admin })).json.roles).toEqual([
        'user-manager',
      ]);
      expect((await t.request('GET', `/api/users/${other.id}`, { token: admin })).json.roles).toEqual([]);
      expect((await t.request('GET', '/api/users?q=sneaky', { token: admin })).json.total).toBe(0);
      // Within its own permissions it still manages users.
      const bind = await t.request('POST', '/api/role-bindings', {
        token: manager.accessToken,
        body: { userId: other.id, roleId: roleIds.get('vm-reader') },
      });
      expect(bind.status).toBe(204);
      const created = await t.request('POST', '/api/users', {
        token: manager.accessToken,
        body: { username: 'reader2', password: 'reader-pass-1', roles: ['vm-reader'] },
      });
      expect(created.status).toBe(201);
    });

    test('users:update cannot unbind a role wider than its own (admin) from anyone', async () => {
      const manager = await t.login('ursula', 'user-pass-123');
      const second = await t.userWithRoles('adele', ['admin']);
      const res = await t.request('DELETE', `/api/role-bindings/${second.id}/${roleIds.get('admin')}`, {
        token: manager.accessToken,
      });
      expect(res.status).toBe(403);
      const put = await t.request('PUT', `/api/users/${second.id}/roles`, {
        token: manager.accessToken,
        body: { roles: [] },
      });
      expect(put.status).toBe(403);
      expect((await t.request('GET', `/api/users/${second.id}`, { token: admin })).json.roles).toEqual([
        'admin',
      ]);
    });

    test('only an admin can reset another admin’s password, disable or delete them', async () => {
      const manager = await t.login('ursula', 'user-pass-123');
      const attempts: Array<[string, unknown]> = [
        ['PATCH', { password: 'taken-over-pass1' }],
        ['PATCH', { enabled: false }],
        ['PATCH', { email: 'attacker@example.com' }],
        ['DELETE', undefined],
      ];
      for (const [method, body] of attempts) {
        const res = await t.request(method, `/api/users/${adminId}`, { token: manager.accessToken, body });
        expect({ method, body, status: res.status }).toEqual({ method, body, status: 403 });
      }
      // The admin's account is untouched: the old password still works.
      expect((await t.login('admin', ADMIN_PASSWORD)).user.id).toBe(adminId);
      const adele = await t.login('adele', 'user-pass-123');
      const byAdmin = await t.request('PATCH', `/api/users/${adele.user.id}`, {
        token: admin,
        body: { password: 'new-adele-pass1' },
      });
      expect(byAdmin.status).toBe(200);
      expect((await t.login('adele', 'new-adele-pass1')).user.id).toBe(adele.user.id);
      // A narrower user is still the user manager's to manage.
      const oscar = (await t.request('GET', '/api/users?q=oscar', { token: admin })).json.items[0];
      const reset = await t.request('PATCH', `/api/users/${oscar.id}`, {
        token: manager.accessToken,
        body: { password: 'oscar-new-pass1' },
      });
      expect(reset.status).toBe(200);
    });
  });
}
