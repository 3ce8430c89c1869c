/**
 * The node, VM and task series of /metrics say what the database says, and paddock_tasks_total
 * counts each task the worker settles once, by type and final status.
 */
import type { TestTaskType } from '../src/tasks/catalog.ts';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import * as nodesRepo from '../src/agents/node-records.ts';
import { PermanentTaskError } from '../src/tasks/worker.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

/** The value of one sample line, `name{labels}`, labels in the order the registry writes them. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const dialect of DIALECTS) {
  describe(`state series on ${dialect}`, () => {
    let t: TestApp;
    const ids = { up: crypto.randomUUID(), down: crypto.randomUUID() };

    beforeAll(async () => {
      t = await createTestApp(dialect);
      await nodesRepo.insertNode(t.ctx.db, { id: ids.up, hostname: 'kvm-up' });
      await nodesRepo.insertNode(t.ctx.db, { id: ids.down, hostname: 'kvm-down' });
      await t.ctx.db.updateTable('nodes').set({ status: 'online' }).where('id', '=', ids.up).execute();
      t.services.worker
        .register('test.ok', async () => ({}))
        .register('test.broken', async () => {
          throw new PermanentTaskError('broken on purpose');
        });
      t.services.tasks.nudge = () => void t.services.worker.poll();
    });
    afterAll(async () => {
      await t.services.worker.stop();
      await t.close();
    });

    const scrape = async () => (await t.request('GET', '/metrics')).text;
    const enqueue = (type: TestTaskType) =>
      t.services.tasks.enqueue(t.ctx.db, { type, payload: {}, createdBy: null });

    test('nodes up or down, and counts by status', async () => {
      const text = await scrape();
      expect(sample(text, `paddock_node_up{node="kvm-up",node_id="${ids.up}"}`)).toBe(1);
      expect(sample(text, `paddock_node_up{node="kvm-down",node_id="${ids.down}"}`)).toBe(0);
      expect(sample(text, 'paddock_nodes{status="online"}')).toBe(1);
      expect(sample(text, 'paddock_nodes{status="offline"}')).toBe(1);
      expect(sample(text, 'paddock_nodes{status="maintenance"}')).toBe(0);
      await t.ctx.db.deleteFrom('nodes').where('id', '=', ids.down).execute();
      // A removed node's series ends.
      expect(await scrape()).not.toContain('kvm-down');
    });

    test('queued tasks, then finished ones counted once by type and status', async () => {
      await enqueue('test.ok');
      await enqueue('test.ok');
      await enqueue('test.broken');
      expect(sample(await scrape(), 'paddock_tasks{status="queued"}')).toBe(3);
      expect(
        sample(await scrape(), 'paddock_tasks_total{type="test.ok",status="succeeded"}'),
      ).toBeUndefined();
      t.services.worker.start();
      const text = await waitFor('all settled', async () => {
        const s = await scrape();
        return (
          sample(s, 'paddock_tasks{status="queued"}') === 0 &&
          sample(s, 'paddock_tasks{status="running"}') === 0 &&
          sample(s, 'paddock_tasks_total{type="test.broken",status="failed"}') === 1 &&
          s
        );
      });
      expect(sample(text, 'paddock_tasks_total{type="test.ok",status="succeeded"}')).toBe(2);
      // Types registered with the app's worker start from zero.
      expect(sample(text, 'paddock_tasks_total{type="vm.start",status="failed"}')).toBe(0);
      await t.services.worker.stop();
      const queued = await enqueue('test.ok');
      await t.request('POST', `/api/tasks/${queued.id}/cancel`, { token: (await t.login()).accessToken });
      expect(sample(await scrape(), 'paddock_tasks_total{type="test.ok",status="cancelled"}')).toBe(1);
    });
  });
}
