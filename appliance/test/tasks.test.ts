import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { TestTaskType } from '../src/tasks/catalog.ts';
import { transact } from '../src/db/after-commit.ts';
import type { LiveEvent } from '../src/events/event-bus.ts';
import { claimTask } from '../src/tasks/task-repository.ts';
import { PermanentTaskError, TaskWorker } from '../src/tasks/worker.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

for (const dialect of DIALECTS) {
  describe(`durable tasks on ${dialect}`, () => {
    let t: TestApp;
    let token: string;
    let worker: TaskWorker;
    const calls = new Map<string, number>();
    const undone: string[] = [];

    beforeAll(async () => {
      t = await createTestApp(dialect);
      token = (await t.login()).accessToken;
      worker = new TaskWorker(t.ctx.db, t.ctx.logger, t.services.events, {
        pollMs: 50,
        leaseMs: 600,
        backoffMs: 50,
      });
      worker
        .register('test.echo', async (ctx) => {
          calls.set(ctx.task.id, (calls.get(ctx.task.id) ?? 0) + 1);
          await ctx.progress(50, 'half way');
          return { echoed: ctx.payload.value };
        })
        .register('test.flaky', async (ctx) => {
          const n = (calls.get(ctx.task.id) ?? 0) + 1;
          calls.set(ctx.task.id, n);
          if (n < 3) throw new Error(`flake ${n}`);
          return { attempts: n };
        })
        .register('test.bad-input', async () => {
          throw new PermanentTaskError('payload names a pool that does not exist', 'POOL_NOT_FOUND');
        })
        .register('test.stubborn', async (ctx) => {
          // Ignores its signal, as a polling handler may: only ctx.progress can stop it.
          for (let i = 0; i < 200; i++) {
            await ctx.progress(i % 100);
            await Bun.sleep(20);
          }
          return {};
        })
        .register('test.slow', async (ctx) => {
          ctx.revert.add('create thing', () => {
            undone.push(ctx.task.id);
          });
          await new Promise((_resolve, reject) =>
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
          );
          return {};
        });
      t.services.tasks.nudge = () => void worker.poll();
      worker.start();
    });
    afterAll(async () => {
      await worker.stop();
      await t.close();
    });

    const enqueue = (type: TestTaskType, payload: Record<string, unknown> = {}) =>
      t.services.tasks.enqueue(t.ctx.db, {
        type,
        payload,
        createdBy: null,
        targetType: 'test',
        targetId: 'x1',
      });
    const get = async (id: string) => (await t.request('GET', `/api/tasks/${id}`, { token })).json;

    test('a task runs, reports progress and its result, with an event log', async () => {
      const task = await enqueue('test.echo', { value: 42 });
      expect(task.status).toBe('queued');
      const done = await waitFor('succeeded', async () => {
        const d = await get(task.id);
        return d.status === 'succeeded' && d;
      });
      expect(done).toMatchObject({ progress: 100, result: { echoed: 42 }, attempts: 1 });
      expect(done.events.map((e: { message: string }) => e.message)).toEqual([
        'queued',
        expect.stringContaining('started by'),
        'half way',
        'succeeded',
      ]);
    });

    test('failed attempts are retried with backoff; a permanent error fails at once', async () => {
      const flaky = await enqueue('test.flaky');
      const ok = await waitFor('flaky succeeded', async () => {
        const d = await get(flaky.id);
        return d.status === 'succeeded' && d;
      });
      expect(ok.attempts).toBe(3);
      expect(ok.events.filter((e: { level: string }) => e.level === 'warn')).toHaveLength(2);
      const bad = await enqueue('test.bad-input');
      const failed = await waitFor('failed', async () => {
        const d = await get(bad.id);
        return d.status === 'failed' && d;
      });
      expect(failed).toMatchObject({ attempts: 1, error: { code: 'POOL_NOT_FOUND' } });
    });

    test('cancelling a queued task and a running one (whose undo steps run)', async () => {
      await worker.stop();
      const queued = await enqueue('test.echo');
      const cancelled = await t.request('POST', `/api/tasks/${queued.id}/cancel`, { token });
      expect(cancelled.json.status).toBe('cancelled');
      worker.start();
      const running = await enqueue('test.slow');
      await waitFor('running', async () => (await get(running.id)).status === 'running');
      await t.request('POST', `/api/tasks/${running.id}/cancel`, { token });
      await waitFor('cancelled', async () => (await get(running.id)).status === 'cancelled');
      expect(undone).toContain(running.id);
      expect(calls.has(queued.id)).toBe(false);
      const again = await t.request('POST', `/api/tasks/${running.id}/retry`, { token });
      expect(again.json.status).toBe('queued');
      await waitFor('running again', async () => (await get(running.id)).status === 'running');
      await t.request('POST', `/api/tasks/${running.id}/cancel`, { token });
      await waitFor('cancelled again', async () => (await get(running.id)).status === 'cancelled');
    });

    test('a cancelled handler that ignores its signal is stopped at its next progress report', async () => {
      const seen: LiveEvent[] = [];
      const off = t.services.events.subscribe((e) => seen.push(e));
      try {
        const task = await enqueue('test.stubborn');
        await waitFor('running', async () => (await get(task.id)).status === 'running');
        expect((await t.request('POST', `/api/tasks/${task.id}/cancel`, { token })).status).toBe(200);
        await waitFor('cancelled', async () => (await get(task.id)).status === 'cancelled');
        await Bun.sleep(300);
        const statuses = seen.filter((e) => e.id === task.id).map((e) => e.data.status);
        expect(statuses.at(-1)).toBe('cancelled');
      } finally {
        off();
      }
    });

    test('a task whose worker died is resumed by another worker once the lease expires', async () => {
      await worker.stop();
      const task = await enqueue('test.echo', { value: 'resumed' });
      const claimed = await claimTask(t.ctx.db, 'dead-worker', 300, ['test.echo']);
      expect(claimed?.id).toBe(task.id);
      // The dead worker never renews; the live one takes over after the lease.
      worker.start();
      const done = await waitFor('resumed', async () => {
        const d = await get(task.id);
        return d.status === 'succeeded' && d;
      });
      expect(done.attempts).toBe(2);
      expect(
        done.events.some((e: { message: string }) => e.message.includes("previous worker's lease expired")),
      ).toBe(true);
    });

    test('finished tasks cannot be cancelled or retried; unknown ones are 404', async () => {
      const task = await enqueue('test.echo');
      await waitFor('done', async () => (await get(task.id)).status === 'succeeded');
      expect((await t.request('POST', `/api/tasks/${task.id}/cancel`, { token })).status).toBe(409);
      expect((await t.request('POST', `/api/tasks/${task.id}/retry`, { token })).status).toBe(409);
      expect((await t.request('GET', `/api/tasks/${crypto.randomUUID()}`, { token })).status).toBe(404);
      const list = await t.request('GET', '/api/tasks?type=test.echo&status=succeeded&sort=createdAt:asc', {
        token,
      });
      expect(list.json.items.length).toBeGreaterThan(0);
      expect(
        list.json.items.every(
          (x: { type: string; status: string }) => x.type === 'test.echo' && x.status === 'succeeded',
        ),
      ).toBe(true);
    });

    test('the list filters children by parent, and root=true leaves children out', async () => {
      const parent = await enqueue('test.idle');
      const child = await t.services.tasks.enqueue(t.ctx.db, {
        type: 'test.idle',
        payload: {},
        createdBy: null,
        parentId: parent.id,
      });
      const ids = async (query: string) =>
        (await t.request('GET', `/api/tasks?type=test.idle&pageSize=500&${query}`, { token })).json.items.map(
          (x: { id: string }) => x.id,
        );
      expect(await ids(`parentId=${parent.id}`)).toEqual([child.id]);
      const roots = await ids('root=true');
      expect(roots).toContain(parent.id);
      expect(roots).not.toContain(child.id);
      expect(await ids('root=false')).toContain(child.id);
    });

    test('a new task reaches the consoles whole, once committed; a retried one too', async () => {
      const seen: LiveEvent[] = [];
      const off = t.services.events.subscribe((e) => seen.push(e));
      try {
        // No worker handles this type: the task stays queued, so only the enqueue publishes.
        let id = '';
        await transact(t.ctx.db, async (trx) => {
          id = (await t.services.tasks.enqueue(trx, { type: 'test.idle', payload: {}, createdBy: null })).id;
          expect(seen.filter((e) => e.id === id)).toEqual([]); // not before the commit
        });
        const created = seen.filter((e) => e.id === id);
        expect(created).toHaveLength(1);
        expect(created[0]).toMatchObject({ kind: 'task', permission: 'tasks:read' });
        const { events: _log, ...row } = (await t.request('GET', `/api/tasks/${id}`, { token })).json;
        expect(created[0]!.data).toEqual(row);
        expect(created[0]!.data).toMatchObject({ id, type: 'test.idle', status: 'queued', progress: 0 });

        // A rolled-back enqueue never shows.
        let ghost = '';
        await transact(t.ctx.db, async (trx) => {
          ghost = (await t.services.tasks.enqueue(trx, { type: 'test.idle', payload: {}, createdBy: null }))
            .id;
          throw new Error('roll back');
        }).catch(() => {});
        expect(seen.some((e) => e.id === ghost)).toBe(false);

        // Retrying publishes the whole requeued row (attempts and error reset), not a delta.
        expect((await t.request('POST', `/api/tasks/${id}/cancel`, { token })).status).toBe(200);
        seen.length = 0;
        const retried = await t.request('POST', `/api/tasks/${id}/retry`, { token });
        expect(retried.status).toBe(200);
        const requeued = seen.filter((e) => e.id === id);
        expect(requeued).toHaveLength(1);
        expect(requeued[0]!.data).toEqual(retried.json);
        expect(requeued[0]!.data).toMatchObject({ status: 'queued', attempts: 0, error: null });
      } finally {
        off();
      }
    });

    test('the live event stream carries task progress to users allowed to see it', async () => {
      t.app.listen({ hostname: '127.0.0.1', port: 0 });
      const base = `http://127.0.0.1:${t.app.server!.port}`;
      const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const reader = res.body!.getReader();
      const task = await enqueue('test.echo', { value: 'live' });
      let text = '';
      const decoder = new TextDecoder();
      while (!text.includes('"status":"succeeded"')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      expect(text).toContain(`"id":"${task.id}"`);
      expect(text).toContain('event: task');
      expect(text).not.toContain('permission');
      await reader.cancel();
      const anonymous = await fetch(`${base}/api/events`);
      expect(anonymous.status).toBe(401);
      await t.app.stop(true);
    });
  });
}

describe('several workers on one PostgreSQL queue', () => {
  test('each task runs exactly once (FOR UPDATE SKIP LOCKED)', async () => {
    const t = await createTestApp('postgres');
    const runs = new Map<string, number>();
    const workers = [0, 1, 2].map((i) =>
      new TaskWorker(t.ctx.db, t.ctx.logger, t.services.events, {
        pollMs: 20,
        concurrency: 3,
        owner: `w${i}`,
      }).register('test.count', async (ctx) => {
        runs.set(ctx.task.id, (runs.get(ctx.task.id) ?? 0) + 1);
        await Bun.sleep(5);
        return { by: ctx.task.lease_owner };
      }),
    );
    const ids: string[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(
        (await t.services.tasks.enqueue(t.ctx.db, { type: 'test.count', payload: {}, createdBy: null })).id,
      );
    for (const w of workers) w.start();
    await waitFor('all done', async () => runs.size === 30 && [...runs.values()].every((n) => n === 1));
    await Bun.sleep(200);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    const owners = await t.ctx.db
      .selectFrom('tasks')
      .select('result')
      .where('type', '=', 'test.count')
      .execute();
    expect(new Set(owners.map((o) => (o.result as { by: string }).by)).size).toBeGreaterThan(1);
    for (const w of workers) await w.stop();
    await t.close();
  });
});
