import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { LiveEvent } from '../src/events/event-bus.ts';
import { FigureAnnouncer } from '../src/modules/nodes/figure-announcer.ts';
import { NodeMetricsWindow } from '../src/modules/nodes/metrics-window.ts';
import * as nodesRepo from '../src/agents/node-records.ts';
import { fakeHeartbeat } from './support/sim-agent.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

const GIB = 1024 ** 3;

describe('node metrics window', () => {
  test('however often an agent sends, a node keeps at most maxPoints points within the window', () => {
    const w = new NodeMetricsWindow(3_600_000, 360);
    const start = 1_000_000_000_000;
    // Two hours of heartbeats every 100 ms: 72,000 heartbeats.
    for (let t = 0; t < 7_200_000; t += 100) w.record('n1', fakeHeartbeat((t / 1000) % 100), start + t);
    const now = start + 7_200_000;
    const points = w.points('n1', 60, now);
    expect(points.length).toBeLessThanOrEqual(360);
    expect(points.length).toBeGreaterThanOrEqual(359);
    expect(Date.parse(points[0]?.at ?? '')).toBeGreaterThan(now - 3_600_000);
    // Oldest first, one per 10 s step.
    const times = points.map((p) => Date.parse(p.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(w.stepMs).toBe(10_000);
    expect(w.points('n1', 5, now).length).toBeLessThanOrEqual(30);
  });

  test('a heartbeat in the same step replaces the last point; figures are clamped', () => {
    const w = new NodeMetricsWindow(60_000, 6);
    w.record('n', { ...fakeHeartbeat(10), cpuUsedPct: 10 }, 10_000);
    w.record('n', { ...fakeHeartbeat(20), cpuUsedPct: 1e9, load1: Number.NaN }, 15_000);
    const points = w.points('n', 1, 15_000);
    expect(points).toHaveLength(1);
    expect(points[0]?.cpuPct).toBe(100);
    expect(points[0]?.load1).toBe(0);
    w.forget('n');
    expect(w.points('n', 1, 15_000)).toEqual([]);
  });
});

describe('figure announcer', () => {
  test('each node at most once per period, at most maxPerFlush per batch, latest wins', async () => {
    const sent: string[][] = [];
    const a = new FigureAnnouncer(async (ids) => void sent.push(ids), {
      minIntervalMs: 10_000,
      flushMs: 60_000,
      maxPerFlush: 3,
    });
    for (let i = 0; i < 5; i++) for (const id of ['a', 'b', 'c', 'd', 'e']) a.changed(id);
    expect(await a.flush(100_000)).toEqual(['a', 'b', 'c']);
    expect(await a.flush(100_001)).toEqual(['d', 'e']);
    a.changed('a');
    expect(await a.flush(105_000)).toEqual([]); // a's period is not over
    expect(await a.flush(110_000)).toEqual(['a']);
    a.sent('b', 110_000);
    a.changed('b');
    expect(await a.flush(115_000)).toEqual([]);
    expect(sent).toEqual([['a', 'b', 'c'], ['d', 'e'], ['a']]);
    a.stop();
  });
});

for (const dialect of DIALECTS) {
  describe(`node metrics and dashboard routes on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    const ids = { a: crypto.randomUUID(), b: crypto.randomUUID(), c: crypto.randomUUID() };

    beforeAll(async () => {
      t = await createTestApp(dialect);
      admin = (await t.login()).accessToken;
      const db = t.ctx.db;
      // Two online nodes and one offline; their figures are what registration would store.
      for (const [key, status] of [
        ['a', 'online'],
        ['b', 'online'],
        ['c', 'offline'],
      ] as const) {
        await nodesRepo.insertNode(db, { id: ids[key], hostname: `host-${key}` });
        await nodesRepo.updateNode(db, ids[key], {
          status,
          cpu_total: 8,
          mem_total: 16 * GIB,
          disk_total: 500 * GIB,
        });
      }
      const vm = (
        name: string,
        node: string | null,
        status: string,
        vcpu: number,
        mb: number,
        managed = true,
      ) => ({
        id: crypto.randomUUID(),
        uuid: crypto.randomUUID(),
        name,
        node_id: node,
        status,
        vcpu,
        memory_mb: mb,
        disk_ids: '[]',
        network_interfaces: '[]',
        tags: '[]',
        managed,
        meta: '{}',
        updated_at: new Date(),
      });
      const vms = [
        vm('a1', ids.a, 'running', 2, 2048),
        vm('a2', ids.a, 'stopped', 1, 1024),
        vm('b1', ids.b, 'running', 4, 4096, false),
        vm('c1', ids.c, 'running', 16, 65536), // on an offline node: not allocated
        vm('nowhere', null, 'error', 1, 512),
      ];
      await db.insertInto('vms').values(vms).execute();
      const pool = crypto.randomUUID();
      await db
        .insertInto('volume_pools')
        .values({
          id: pool,
          name: 'p',
          type: 'dir',
          node_id: ids.a,
          status: 'active',
          meta: '{}',
          updated_at: new Date(),
        })
        .execute();
      const volume = (name: string, vmId: string | null, gb: number) => ({
        id: crypto.randomUUID(),
        name,
        format: 'qcow2',
        size_gb: gb,
        pool_id: pool,
        vm_id: vmId,
        status: 'ready',
        meta: '{}',
        updated_at: new Date(),
      });
      await db
        .insertInto('volumes')
        .values([
          volume('a1-disk', vms[0]?.id ?? null, 10),
          volume('b1-disk', vms[2]?.id ?? null, 20),
          volume('c1-disk', vms[3]?.id ?? null, 100),
          volume('free', null, 50),
        ])
        .execute();
      const task = (status: string, minutesAgo: number, extra = {}) => ({
        id: crypto.randomUUID(),
        type: 'vm.start',
        status,
        payload: '{}',
        created_at: new Date(Date.now() - minutesAgo * 60_000),
        run_after: new Date(),
        updated_at: new Date(),
        finished_at: status === 'running' ? null : new Date(Date.now() - minutesAgo * 60_000),
        error: status === 'failed' ? JSON.stringify({ code: 'X', message: 'broke' }) : null,
        ...extra,
      });
      await db
        .insertInto('tasks')
        .values([
          task('succeeded', 5),
          task('failed', 4),
          task('failed', 3 * 24 * 60), // failed, but not in the last day
          // A running task whose lease is far away: no worker takes it over during the test.
          task('running', 1, {
            lease_owner: 'elsewhere',
            lease_expires_at: new Date(Date.now() + 3_600_000),
          }),
        ])
        .execute();
    });
    afterAll(() => t.close());

    test('GET /api/nodes/{id}/metrics: the heartbeats received, shaped, windowed, with its permission', async () => {
      await t.services.sessions.heartbeat(ids.a, { ...fakeHeartbeat(33.5), memUsedBytes: 5 * GIB });
      const res = await t.request('GET', `/api/nodes/${ids.a}/metrics?minutes=60`, { token: admin });
      expect(res.status).toBe(200);
      expect(res.json.nodeId).toBe(ids.a);
      expect(res.json.stepMs).toBe(10_000);
      expect(res.json.points).toHaveLength(1);
      expect(res.json.points[0]).toMatchObject({
        cpuPct: 33.5,
        memUsedBytes: 5 * GIB,
        memTotalBytes: 16 * GIB,
      });
      expect(Date.parse(res.json.points[0].at)).toBeGreaterThan(Date.now() - 60_000);

      const empty = await t.request('GET', `/api/nodes/${ids.b}/metrics`, { token: admin });
      expect(empty.json.points).toEqual([]);
      expect(
        (await t.request('GET', `/api/nodes/${ids.a}/metrics?minutes=61`, { token: admin })).status,
      ).toBe(422);
      expect((await t.request('GET', `/api/nodes/${ids.a}/metrics?minutes=0`, { token: admin })).status).toBe(
        422,
      );
      const unknown = await t.request('GET', `/api/nodes/${crypto.randomUUID()}/metrics`, { token: admin });
      expect(unknown.status).toBe(404);
      expect((await t.request('GET', `/api/nodes/${ids.a}/metrics`)).status).toBe(401);

      await t.request('POST', '/api/roles', {
        token: admin,
        body: { name: 'vm-watcher', description: 'reads VMs only', permissions: ['vms:read'] },
      });
      const watcher = await t.userWithRoles('watcher', ['vm-watcher']);
      const denied = await t.request('GET', `/api/nodes/${ids.a}/metrics`, { token: watcher.accessToken });
      expect(denied.status).toBe(403);
    });

    test('heartbeats announce a revived node at once and changed figures through the throttle', async () => {
      const events: LiveEvent[] = [];
      const off = t.services.events.subscribe((e) => e.kind === 'node' && events.push(e));
      try {
        t.services.nodes.figureEvents.options = { minIntervalMs: 0, flushMs: 60_000, maxPerFlush: 50 };
        await t.services.nodes.figureEvents.flush(); // what earlier tests left pending
        events.length = 0;
        await t.services.sessions.heartbeat(ids.c, fakeHeartbeat(1)); // offline → online
        expect(events.map((e) => [e.id, (e.data as { status: string }).status])).toEqual([[ids.c, 'online']]);
        for (let i = 0; i < 5; i++) await t.services.sessions.heartbeat(ids.b, fakeHeartbeat(10 + i));
        expect(events).toHaveLength(1);
        await t.services.nodes.figureEvents.flush();
        expect(events).toHaveLength(2);
        expect(events[1]?.data).toMatchObject({ id: ids.b, cpu: { usedPct: 14 }, vmCount: 1 });
        // Same figures again: nothing to announce.
        await t.services.sessions.heartbeat(ids.b, fakeHeartbeat(14));
        expect(await t.services.nodes.figureEvents.flush()).toEqual([]);
      } finally {
        off();
        await t.services.sessions.disconnected(ids.c, 'test');
      }
    });

    test('the node list and detail carry each node’s VM count', async () => {
      const list = await t.request('GET', '/api/nodes?sort=hostname:asc', { token: admin });
      expect(
        list.json.items.map((n: { hostname: string; vmCount: number }) => [n.hostname, n.vmCount]),
      ).toEqual([
        ['host-a', 2],
        ['host-b', 1],
        ['host-c', 1],
      ]);
      const detail = await t.request('GET', `/api/nodes/${ids.a}`, { token: admin });
      expect(detail.json.vmCount).toBe(2);
    });

    test('GET /api/dashboard counts nodes, VMs, allocation on online nodes and tasks', async () => {
      const res = await t.request('GET', '/api/dashboard', { token: admin });
      expect(res.status).toBe(200);
      const d = res.json;
      expect(d.nodes).toMatchObject({ total: 3, online: 2, offline: 1, maintenance: 0 });
      expect(d.nodes.charted.map((n: { hostname: string }) => n.hostname)).toEqual(['host-a', 'host-b']);
      expect(d.vms).toEqual({ total: 5, unmanaged: 1, byStatus: { running: 3, stopped: 1, error: 1 } });
      expect(d.capacity).toEqual({
        nodes: 2,
        vcpu: { allocated: 7, total: 16 },
        memoryBytes: { allocated: 7168 * 1024 ** 2, total: 32 * GIB },
        diskBytes: { allocated: 30 * GIB, total: 1000 * GIB },
      });
      expect(d.tasks.active).toBe(1);
      expect(d.tasks.failedLastDay).toBe(1);
      expect(d.tasks.recent).toHaveLength(4);
      expect(d.tasks.recent[0].status).toBe('running');
      expect(d.tasks.failures.map((x: { error: { message: string } }) => x.error.message)).toEqual([
        'broke',
        'broke',
      ]);
      expect((await t.request('GET', '/api/dashboard')).status).toBe(401);
    });

    test('a user without nodes:read gets no node or capacity section', async () => {
      const watcher = await t.login('watcher', 'user-pass-123');
      const res = await t.request('GET', '/api/dashboard', { token: watcher.accessToken });
      expect(res.status).toBe(200);
      expect(Object.keys(res.json).sort()).toEqual(['vms']);
      expect(res.json.vms.total).toBe(5);
    });

    test('a node with managed VMs cannot be deleted; unmanaged records go with it', async () => {
      const id = crypto.randomUUID();
      await nodesRepo.insertNode(t.ctx.db, { id, hostname: 'host-vms' });
      const vm = (name: string, managed: boolean) => ({
        id: crypto.randomUUID(),
        uuid: crypto.randomUUID(),
        name,
        node_id: id,
        status: 'running',
        vcpu: 1,
        memory_mb: 64,
        disk_ids: '[]',
        network_interfaces: '[]',
        tags: '[]',
        managed,
        meta: '{}',
        updated_at: new Date(),
      });
      const managed = vm('kept', true);
      const seen = vm('seen-only', false);
      await t.ctx.db.insertInto('vms').values([managed, seen]).execute();
      const refused = await t.request('DELETE', `/api/nodes/${id}`, { token: admin });
      expect(refused.status).toBe(409);
      expect(refused.json.error.message).toContain('1 managed VM');
      await t.ctx.db.deleteFrom('vms').where('id', '=', managed.id).execute();
      const events: LiveEvent[] = [];
      const off = t.services.events.subscribe((e) => events.push(e));
      const res = await t.request('DELETE', `/api/nodes/${id}`, { token: admin });
      off();
      expect(res.status).toBe(204);
      const left = await t.ctx.db.selectFrom('vms').select('id').where('id', '=', seen.id).execute();
      expect(left).toEqual([]);
      expect(events.map((e) => [e.kind, e.id])).toEqual([
        ['vm', seen.id],
        ['node', id],
      ]);
    });

    test('deleting a node announces it gone and forgets its figures', async () => {
      const events: LiveEvent[] = [];
      const off = t.services.events.subscribe((e) => e.kind === 'node' && events.push(e));
      const id = crypto.randomUUID();
      await nodesRepo.insertNode(t.ctx.db, { id, hostname: 'host-gone' });
      await t.services.sessions.heartbeat(id, fakeHeartbeat(5));
      const res = await t.request('DELETE', `/api/nodes/${id}`, { token: admin });
      off();
      expect(res.status).toBe(204);
      expect(events.at(-1)).toMatchObject({ id, data: { id, deleted: true } });
      expect(t.services.nodes.figures.points(id)).toEqual([]);
    });
  });
}
