import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { NewTask } from '../src/modules/tasks/service.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

// Retrying a task runs its action again: `tasks:update` alone must not be a back door to an action
// the caller may not start (a cancelled `vm.delete` with deleteDisks, retried by a task clerk).
for (const dialect of DIALECTS) {
  describe(`task retry needs the original action's permission on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    let adminId: string;

    /** A task of `type` queued by the admin and cancelled before any worker ran it (none runs here). */
    async function cancelledTask(type: string, payload: Record<string, unknown>) {
      // Any type with any payload: the task is cancelled before a handler could read it.
      const input = { type, payload, targetType: 'vm', targetId: crypto.randomUUID(), createdBy: adminId };
      const task = await t.services.tasks.enqueue(t.ctx.db, input as NewTask);
      const cancelled = await t.request('POST', `/api/tasks/${task.id}/cancel`, { token: admin });
      expect(cancelled.json.status).toBe('cancelled');
      return task.id;
    }

    const statusOf = async (id: string) =>
      (await t.request('GET', `/api/tasks/${id}`, { token: admin })).json.status as string;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      const session = await t.login();
      admin = session.accessToken;
      adminId = session.user.id;
      for (const [name, permissions] of [
        ['task-clerk', ['tasks:read', 'tasks:update']],
        ['vm-remover', ['tasks:read', 'tasks:update', 'vms:delete']],
      ] as const) {
        const res = await t.request('POST', '/api/roles', { token: admin, body: { name, permissions } });
        expect(res.status).toBe(201);
      }
    });
    afterAll(() => t.close());

    test('tasks:update without vms:delete cannot retry a cancelled vm.delete with deleteDisks', async () => {
      const id = await cancelledTask('vm.delete', { vmId: crypto.randomUUID(), deleteDisks: true });
      const clerk = await t.userWithRoles('clerk', ['task-clerk']);
      const res = await t.request('POST', `/api/tasks/${id}/retry`, { token: clerk.accessToken });
      expect(res.status).toBe(403);
      expect(res.json.error).toMatchObject({ code: 'FORBIDDEN', details: { permissions: ['vms:delete'] } });
      expect(await statusOf(id)).toBe('cancelled');
      const denied = await t.ctx.db
        .selectFrom('audit_logs')
        .select(['action', 'outcome', 'target_id'])
        .where('username', '=', 'clerk')
        .where('action', '=', 'tasks:update')
        .execute();
      expect(denied).toEqual([{ action: 'tasks:update', outcome: 'denied', target_id: id }]);
      // Cancelling stays a tasks:update matter: it starts nothing.
      const remover = await t.userWithRoles('remover', ['vm-remover']);
      const retried = await t.request('POST', `/api/tasks/${id}/retry`, { token: remover.accessToken });
      expect(retried.status).toBe(200);
      expect(retried.json.status).toBe('queued');
    });

    test('every task type the worker runs names the permission its retry needs', async () => {
      const clerk = await t.login('clerk', 'user-pass-123');
      const remover = await t.login('remover', 'user-pass-123');
      const types = t.services.worker.types;
      expect(types).toContain('vm.delete');
      expect(types).toContain('pool.create');
      for (const type of types) {
        const id = await cancelledTask(type, { vmId: crypto.randomUUID() });
        const byClerk = await t.request('POST', `/api/tasks/${id}/retry`, { token: clerk.accessToken });
        expect({ type, status: byClerk.status }).toEqual({ type, status: 403 });
        // A permission named, and not '*' (the fallback for a type nobody declared).
        expect({ type, needs: byClerk.json.error.details.permissions }).not.toEqual({ type, needs: ['*'] });
        const byRemover = await t.request('POST', `/api/tasks/${id}/retry`, { token: remover.accessToken });
        expect({ type, status: byRemover.status }).toEqual({
          type,
          status: type === 'vm.delete' ? 200 : 403,
        });
      }
    });

    test('a task of a type nobody declared is retried by an admin only', async () => {
      const id = await cancelledTask('test.undeclared', {});
      const remover = await t.login('remover', 'user-pass-123');
      const res = await t.request('POST', `/api/tasks/${id}/retry`, { token: remover.accessToken });
      expect(res.status).toBe(403);
      expect((await t.request('POST', `/api/tasks/${id}/retry`, { token: admin })).status).toBe(200);
    });
  });
}
