/**
 * Undo steps never run under a handler that is still working: after a cancel the worker aborts
 * the handler's signal and waits (with a bound) for it to stop before undoing; after a lost lease
 * it undoes nothing (the task's new owner resumes it and relies on what was made); and a worker
 * never claims a second time a task it is running itself.
 */
import type { TestTaskType } from '../src/tasks/catalog.ts';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { claimTask, requestCancel } from '../src/tasks/task-repository.ts';
import { TaskWorker } from '../src/tasks/worker.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

for (const dialect of DIALECTS) {
  describe(`undo after the handler stopped, on ${dialect}`, () => {
    let t: TestApp;
    let worker: TaskWorker;
    /** What happened, in order, per task id. */
    const trail = new Map<string, string[]>();
    const note = (id: string, what: string) => {
      trail.set(id, [...(trail.get(id) ?? []), what]);
    };
    const runs = new Map<string, number>();
    let release: (() => void) | undefined;

    beforeAll(async () => {
      t = await createTestApp(dialect);
      worker = new TaskWorker(t.ctx.db, t.ctx.logger, t.services.events, {
        pollMs: 50,
        leaseMs: 900,
        backoffMs: 50,
        abortGraceMs: 400,
      });
      worker
        // Heeds its signal, but only between steps: the step under way when the cancel comes
        // (an agent call, a copy) finishes first, as real work does.
        .register('test.winding-down', async (ctx) => {
          ctx.revert.add('remove the half-made thing', () => note(ctx.task.id, 'undo'));
          note(ctx.task.id, 'made a thing');
          for (let step = 0; ; step++) {
            if (ctx.signal.aborted) {
              note(ctx.task.id, 'handler stopped');
              throw ctx.signal.reason;
            }
            await Bun.sleep(60);
            note(ctx.task.id, `step ${step} done`);
          }
        })
        // Ignores its signal until the test lets it go.
        .register('test.deaf', async (ctx) => {
          ctx.revert.add('remove the half-made thing', () => note(ctx.task.id, 'undo'));
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          note(ctx.task.id, 'handler stopped');
          return {};
        })
        .register('test.counted', async (ctx) => {
          runs.set(ctx.task.id, (runs.get(ctx.task.id) ?? 0) + 1);
          ctx.revert.add('remove the half-made thing', () => note(ctx.task.id, 'undo'));
          await new Promise((_resolve, reject) =>
            ctx.signal.addEventListener('abort', () => {
              note(ctx.task.id, 'handler stopped');
              reject(ctx.signal.reason);
            }),
          );
          return {};
        });
      t.services.tasks.nudge = () => void worker.poll();
      worker.start();
    });
    afterAll(async () => {
      release?.();
      await worker.stop();
      await t.close();
    });

    const enqueue = (type: TestTaskType) =>
      t.services.tasks.enqueue(t.ctx.db, { type, payload: {}, createdBy: null });
    const status = async (id: string) =>
      (await t.ctx.db.selectFrom('tasks').select('status').where('id', '=', id).executeTakeFirstOrThrow())
        .status;
    const cancel = (id: string) => t.ctx.db.transaction().execute((trx) => requestCancel(trx, id));

    test('a cancelled handler finishes its step and stops before any undo step runs', async () => {
      const task = await enqueue('test.winding-down');
      await waitFor('a step done', async () => trail.get(task.id)?.includes('step 0 done'));
      await cancel(task.id);
      await waitFor('cancelled', async () => (await status(task.id)) === 'cancelled');
      await Bun.sleep(200);
      const seen = trail.get(task.id) ?? [];
      expect(seen).toContain('undo');
      expect(seen.indexOf('handler stopped')).toBeGreaterThan(-1);
      expect(seen.indexOf('undo')).toBeGreaterThan(seen.indexOf('handler stopped'));
      // Nothing happened after the undo: the handler was done.
      expect(seen.at(-1)).toBe('undo');
    });

    test('a handler that ignores the abort past the bound: the task ends, undo waits for the handler', async () => {
      const task = await enqueue('test.deaf');
      await waitFor('running', async () => (await status(task.id)) === 'running' && release);
      await cancel(task.id);
      await waitFor('cancelled after the bound', async () => (await status(task.id)) === 'cancelled');
      const events = await t.ctx.db
        .selectFrom('task_events')
        .select('message')
        .where('task_id', '=', task.id)
        .execute();
      expect(events.some((e) => e.message.includes('did not stop'))).toBe(true);
      await Bun.sleep(300);
      expect(trail.get(task.id) ?? []).not.toContain('undo');
      release?.();
      await waitFor('undone once stopped', async () => trail.get(task.id)?.includes('undo'));
      expect(trail.get(task.id)).toEqual(['handler stopped', 'undo']);
    });

    test('a worker does not claim again a task it is running whose lease ran out', async () => {
      const task = await enqueue('test.counted');
      await waitFor('running', async () => runs.get(task.id) === 1);
      // A renewal that came too late (a stalled event loop, a slow database): the lease is past.
      await t.ctx.db
        .updateTable('tasks')
        .set({ lease_expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', task.id)
        .execute();
      await worker.poll();
      await Bun.sleep(200);
      expect(runs.get(task.id)).toBe(1);
      await cancel(task.id);
      await waitFor('cancelled', async () => (await status(task.id)) === 'cancelled');
      expect(trail.get(task.id)).toEqual(['handler stopped', 'undo']);
    });

    test('a handler whose lease was taken over stops, and nothing is undone under the new owner', async () => {
      const task = await enqueue('test.counted');
      await waitFor('running', async () => runs.get(task.id) === 1);
      await t.ctx.db
        .updateTable('tasks')
        .set({ lease_expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', task.id)
        .execute();
      // Another worker resumes it (it keeps it: this one never renews).
      expect((await claimTask(t.ctx.db, 'other-worker', 60_000, ['test.counted']))?.id).toBe(task.id);
      await waitFor('stopped', async () => trail.get(task.id)?.includes('handler stopped'));
      await Bun.sleep(300);
      expect(trail.get(task.id)).toEqual(['handler stopped']);
      const row = await t.ctx.db
        .selectFrom('tasks')
        .select(['status', 'lease_owner'])
        .where('id', '=', task.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'running', lease_owner: 'other-worker' });
    });
  });
}
