import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { RpcError } from '@paddock/protocol';
import { MAX_FRAME_BYTES } from '@paddock/protocol/rpc/index';
import { startLivenessSweeper } from '../src/agents/liveness.ts';
import { connectSimAgent, fakeFacts, fakeHeartbeat, postEnroll } from './support/sim-agent.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';
import { waitFor as waitUntil } from './support/wait.ts';

const HEARTBEAT_MS = 200;
const OFFLINE_AFTER_MS = 900;

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 5000) =>
  waitUntil(what, fn, timeoutMs);

for (const dialect of DIALECTS) {
  describe(`agent link on ${dialect}`, () => {
    let t: TestApp;
    let base: string;
    let token: string;
    let stopSweeper: () => void;

    beforeAll(async () => {
      t = await createTestApp(dialect, {
        PADDOCK_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
        PADDOCK_NODE_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS),
      });
      t.app.listen({ hostname: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${t.app.server!.port}`;
      stopSweeper = startLivenessSweeper(t.services.sessions, t.ctx.logger, OFFLINE_AFTER_MS);
      token = (await t.login()).accessToken;
    });
    afterAll(async () => {
      stopSweeper();
      t.services.hub.closeAll();
      await t.app.stop(true);
      await t.close();
    });

    async function enroll(hostname: string) {
      const issued = await t.request('POST', '/api/nodes/enrollment-tokens', { token, body: {} });
      expect(issued.status).toBe(201);
      const res = await postEnroll(base, issued.json.token, hostname);
      expect(res.status).toBe(201);
      return {
        ...((await res.json()) as { nodeId: string; credential: string }),
        enrollmentToken: issued.json.token as string,
      };
    }

    const node = async (id: string) => (await t.request('GET', `/api/nodes/${id}`, { token })).json;

    test('enrollment tokens are single-use and expire; credentials are stored hashed', async () => {
      const first = await enroll('hv-enroll');
      const again = await postEnroll(base, first.enrollmentToken, 'hv-other');
      expect(again.status).toBe(401);
      const issued = await t.request('POST', '/api/nodes/enrollment-tokens', { token, body: { ttlSec: 60 } });
      await t.ctx.db
        .updateTable('enrollment_tokens')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('used_at', 'is', null)
        .execute();
      const expired = await postEnroll(base, issued.json.token, 'hv-late');
      expect(expired.status).toBe(401);
      const rows = await t.ctx.db
        .selectFrom('agent_credentials')
        .selectAll()
        .where('node_id', '=', first.nodeId)
        .execute();
      expect(rows).toHaveLength(1);
      expect(first.credential).not.toContain(rows[0]!.secret_hash);
      const denied = await t.ctx.db
        .selectFrom('audit_logs')
        .selectAll()
        .where('action', '=', 'nodes:enroll')
        .where('outcome', '=', 'denied')
        .execute();
      expect(denied.length).toBe(2);
      expect((await node(first.nodeId)).status).toBe('offline');
    });

    test('forged, garbage and revoked credentials are refused before any registration', async () => {
      const { nodeId, credential } = await enroll('hv-forged');
      const forged = credential.replace(/\.(.)/, (_m, c) => `.${c === 'A' ? 'B' : 'A'}`);
      for (const bad of [forged, 'pdn_garbage', `pdn_${crypto.randomUUID()}.${'x'.repeat(43)}`, '']) {
        const error = await connectSimAgent(base, bad).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error?.message).toContain('cannot connect');
      }
      await t.request('POST', `/api/nodes/${nodeId}/revoke`, { token });
      await expect(connectSimAgent(base, credential)).rejects.toThrow('cannot connect');
      expect((await node(nodeId)).statusEvents.some((e: { to: string }) => e.to === 'online')).toBe(false);
    });

    test('register brings the node online with its facts; heartbeats update its figures', async () => {
      const { nodeId, credential } = await enroll('hv-live');
      const agent = await connectSimAgent(base, credential);
      const reg = await agent.request('agent.register', fakeFacts('hv-live'));
      expect(reg).toEqual({ nodeId, heartbeatIntervalMs: HEARTBEAT_MS });
      agent.notify('node.heartbeat', fakeHeartbeat(42));
      const live = await waitFor('heartbeat stored', async () => {
        const n = await node(nodeId);
        return n.cpu.usedPct === 42 && n;
      });
      expect(live).toMatchObject({
        status: 'online',
        connected: true,
        virtType: 'qemu',
        cpu: { total: 8 },
        versions: { libvirt: '9.0.0' },
      });
      expect(live.metrics.load1).toBe(0.5);
      const list = await t.request('GET', '/api/nodes?status=online&sort=hostname:asc', { token });
      expect(list.json.items.map((n: { hostname: string }) => n.hostname)).toContain('hv-live');
      agent.close();
      await waitFor('offline on disconnect', async () => (await node(nodeId)).status === 'offline');
    });

    test('events of an unknown domain arriving together: it appears once, in its latest state', async () => {
      const { credential } = await enroll('hv-racy');
      const agent = await connectSimAgent(base, credential);
      await agent.request('agent.register', fakeFacts('hv-racy'));
      const uuid = crypto.randomUUID();
      const domain = { uuid, name: 'racy-domain', detail: 'booted', time: Date.now() };
      agent.notify('domain.event', { ...domain, event: 'defined', state: 'shutoff' });
      agent.notify('domain.event', { ...domain, event: 'started', state: 'running' });
      agent.notify('domain.event', { ...domain, event: 'suspended', state: 'paused' });
      const found = await waitFor('the last event applied', async () => {
        const list = await t.request('GET', '/api/vms?q=racy-domain', { token });
        return list.json.items[0]?.status === 'paused' && list.json;
      });
      expect(found.total).toBe(1);
      expect(found.items[0]).toMatchObject({ name: 'racy-domain', managed: false });
      agent.close();
    });

    test('a node whose heartbeats stop is marked offline, and comes back with the next one', async () => {
      const { nodeId, credential } = await enroll('hv-silent');
      const agent = await connectSimAgent(base, credential);
      await agent.request('agent.register', fakeFacts('hv-silent'));
      expect((await node(nodeId)).status).toBe('online');
      const silentSince = Date.now();
      await waitFor(
        'offline after missed heartbeats',
        async () => (await node(nodeId)).status === 'offline',
        5000,
      );
      const elapsed = Date.now() - silentSince;
      expect(elapsed).toBeGreaterThanOrEqual(OFFLINE_AFTER_MS - 100);
      const detail = await node(nodeId);
      expect(detail.connected).toBe(true);
      expect(detail.statusEvents[0].reason).toContain('no heartbeat');
      agent.notify('node.heartbeat', fakeHeartbeat());
      await waitFor('online again', async () => (await node(nodeId)).status === 'online');
      agent.close();
    });

    test('appliance → agent calls: result, timeout, cancellation, and disconnect mid-request', async () => {
      const { nodeId, credential } = await enroll('hv-calls');
      const agent = await connectSimAgent(base, credential);
      await agent.request('agent.register', fakeFacts('hv-calls'));
      let sawAbort = false;
      agent.handle('domain.list', async (_p, ctx) => {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        sawAbort = true;
        return { domains: [] };
      });
      agent.handle('ping', ({ nonce }) => ({ time: Date.now(), nonce }));
      expect(await t.services.hub.call(nodeId, 'ping', { nonce: 'n1' })).toMatchObject({ nonce: 'n1' });

      const timedOut = await t.services.hub
        .call(nodeId, 'domain.list', {}, { timeoutMs: 150 })
        .catch((e) => e);
      expect(timedOut).toBeInstanceOf(RpcError);
      expect(timedOut.code).toBe('TIMEOUT');
      await waitFor('agent saw the timeout', async () => sawAbort);

      sawAbort = false;
      const controller = new AbortController();
      const cancelled = t.services.hub
        .call(nodeId, 'domain.list', {}, { signal: controller.signal })
        .catch((e) => e);
      setTimeout(() => controller.abort(), 50);
      expect((await cancelled).code).toBe('CANCELLED');
      await waitFor('agent saw the cancellation', async () => sawAbort);

      const pending = t.services.hub.call(nodeId, 'domain.list', {}, { timeoutMs: 30_000 }).catch((e) => e);
      const started = Date.now();
      setTimeout(() => agent.close(), 50);
      const dropped = await pending;
      expect(dropped.code).toBe('NODE_OFFLINE');
      expect(Date.now() - started).toBeLessThan(2000);
      const offline = await t.services.hub.call(nodeId, 'ping', {}).catch((e) => e);
      expect(offline.code).toBe('NODE_OFFLINE');
    });

    test('a second connection of the same node replaces the first; deleting the node drops it', async () => {
      const { nodeId, credential } = await enroll('hv-twice');
      const first = await connectSimAgent(base, credential);
      await first.request('agent.register', fakeFacts('hv-twice'));
      let firstClosed = false;
      first.onClose(() => {
        firstClosed = true;
      });
      const second = await connectSimAgent(base, credential);
      await second.request('agent.register', fakeFacts('hv-twice'));
      await waitFor('first closed', async () => firstClosed);
      expect((await node(nodeId)).status).toBe('online');
      let secondClosed = false;
      second.onClose(() => {
        secondClosed = true;
      });
      expect((await t.request('DELETE', `/api/nodes/${nodeId}`, { token })).status).toBe(204);
      await waitFor('deleted node disconnected', async () => secondClosed);
      await expect(connectSimAgent(base, credential)).rejects.toThrow('cannot connect');
    });

    test("enrolling with an existing node's hostname takes nothing over; a token issued for that node re-enrolls it", async () => {
      const victim = await enroll('hv-victim');
      const link = await connectSimAgent(base, victim.credential);
      await link.request('agent.register', fakeFacts('hv-victim'));
      let closed = false;
      link.onClose(() => {
        closed = true;
      });
      const issued = await t.request('POST', '/api/nodes/enrollment-tokens', { token, body: {} });
      const taken = await postEnroll(base, issued.json.token, 'hv-victim');
      expect(taken.status).toBe(409);
      expect(((await taken.json()) as { error: { message: string } }).error.message).toContain('hv-victim');
      // Nothing of the victim changed: its link, its credential, its status.
      await Bun.sleep(100);
      expect(closed).toBe(false);
      expect(await t.services.sessions.authenticateAgent(victim.credential)).toMatchObject({
        nodeId: victim.nodeId,
      });
      expect((await node(victim.nodeId)).status).toBe('online');
      // The refused token was not spent: it still enrolls a host with a name of its own.
      const other = await postEnroll(base, issued.json.token, 'hv-newcomer');
      expect(other.status).toBe(201);
      expect(((await other.json()) as { nodeId: string }).nodeId).not.toBe(victim.nodeId);

      // The operator's deliberate re-enrollment: a token issued for that node, and only that host name.
      const forNode = await t.request('POST', '/api/nodes/enrollment-tokens', {
        token,
        body: { nodeId: victim.nodeId },
      });
      expect(forNode.status).toBe(201);
      expect((await postEnroll(base, forNode.json.token, 'hv-newcomer')).status).toBe(409);
      const again = await postEnroll(base, forNode.json.token, 'hv-victim');
      expect(again.status).toBe(201);
      expect(((await again.json()) as { nodeId: string }).nodeId).toBe(victim.nodeId);
      await waitFor('the old credential dropped', async () => closed);
      await expect(connectSimAgent(base, victim.credential)).rejects.toThrow('cannot connect');
      const unknown = await t.request('POST', '/api/nodes/enrollment-tokens', {
        token,
        body: { nodeId: crypto.randomUUID() },
      });
      expect(unknown.status).toBe(404);
    });

    test("an agent's domain events and inventory never change another node's VMs", async () => {
      const owner = await enroll('hv-owner');
      const ownerLink = await connectSimAgent(base, owner.credential);
      await ownerLink.request('agent.register', fakeFacts('hv-owner'));
      const uuid = crypto.randomUUID();
      ownerLink.notify('domain.event', {
        uuid,
        name: 'owned-domain',
        event: 'started',
        detail: 'booted',
        state: 'running',
      });
      const vm = await waitFor('the owner node VM', async () => {
        const list = await t.request('GET', '/api/vms?q=owned-domain', { token });
        return list.json.items[0]?.status === 'running' && list.json.items[0];
      });
      expect(vm.nodeId).toBe(owner.nodeId);

      const hostile = await enroll('hv-hostile');
      const hostileLink = await connectSimAgent(base, hostile.credential);
      await hostileLink.request('agent.register', fakeFacts('hv-hostile'));
      for (const [event, state] of [
        ['stopped', 'shutoff'],
        ['suspended', 'paused'],
        ['undefined', undefined],
      ] as const) {
        hostileLink.notify('domain.event', {
          uuid,
          name: 'owned-domain',
          event,
          detail: 'forged',
          ...(state && { state }),
        });
      }
      hostileLink.notify('domain.inventory', {
        time: Date.now(),
        domains: [{ uuid, name: 'owned-domain', state: 'crashed' }],
      });
      // A marker of the hostile node's own, applied after what came before it.
      const marker = crypto.randomUUID();
      hostileLink.notify('domain.event', {
        uuid: marker,
        name: 'hostile-marker',
        event: 'started',
        detail: 'booted',
        state: 'running',
      });
      await waitFor('the marker', async () => {
        const list = await t.request('GET', '/api/vms?q=hostile-marker', { token });
        return list.json.items.length === 1;
      });
      await Bun.sleep(300);
      const after = (await t.request('GET', `/api/vms/${vm.id}`, { token })).json;
      expect({ status: after.status, nodeId: after.nodeId }).toEqual({
        status: 'running',
        nodeId: owner.nodeId,
      });
      ownerLink.close();
      hostileLink.close();
    });

    test('heartbeat figures are bounded; frames over the size limit close the link', async () => {
      const { nodeId, credential } = await enroll('hv-figures');
      // This agent sends frames over the limit, as a hostile or broken one would: the appliance refuses them.
      const agent = await connectSimAgent(base, credential, { maxFrameBytes: 64 * 1024 ** 2 });
      await agent.request('agent.register', fakeFacts('hv-figures'));
      agent.notify('node.heartbeat', fakeHeartbeat(10));
      await waitFor('first heartbeat', async () => (await node(nodeId)).cpu.usedPct === 10);
      const reached: number[] = [];
      const heartbeat = t.services.sessions.heartbeat.bind(t.services.sessions);
      t.services.sessions.heartbeat = (id, hb) => {
        reached.push(hb.cpuUsedPct);
        return heartbeat(id, hb);
      };
      const wild = [
        { memUsedBytes: 1e300 },
        { load1: 1e300 },
        { netRxBytes: 2 ** 60 },
        { vmsRunning: 1e12 },
        { time: 1e300 },
      ];
      // Each with a CPU figure of its own (21, 22…), to tell which ones got through.
      for (const [i, figures] of wild.entries()) {
        agent.notify('node.heartbeat', { ...fakeHeartbeat(21 + i), ...figures });
      }
      // Used beyond total is cut down to the total; fields the schema does not know are not kept.
      agent.notify('node.heartbeat', {
        ...fakeHeartbeat(30),
        junk: 'j'.repeat(100_000),
        memUsedBytes: 64 * 1024 ** 3,
        diskUsedBytes: 900 * 1024 ** 3,
      } as ReturnType<typeof fakeHeartbeat>);
      const stored = await waitFor('the plausible heartbeat', async () => {
        const n = await node(nodeId);
        return n.cpu.usedPct === 30 && n;
      });
      expect(stored.memory).toEqual({ totalBytes: 16 * 1024 ** 3, usedBytes: 16 * 1024 ** 3 });
      expect(stored.disk).toEqual({ totalBytes: 500 * 1024 ** 3, usedBytes: 500 * 1024 ** 3 });
      expect(stored.metrics.load1).toBe(0.5);
      expect(Object.keys(stored.metrics).sort()).toEqual(Object.keys(fakeHeartbeat()).sort());
      expect(reached.filter((pct) => pct > 20 && pct < 30)).toEqual([]);

      let closedWith: string | undefined;
      agent.onClose((error) => {
        closedWith = error.message;
      });
      agent.notify('node.heartbeat', { ...fakeHeartbeat(40), padding: 'x'.repeat(MAX_FRAME_BYTES) } as never);
      await waitFor('the link closed on the oversized frame', async () => closedWith);
      expect(closedWith).toContain('1009');
      expect((await node(nodeId)).cpu.usedPct).toBe(30);
    });

    test('maintenance and labels', async () => {
      const { nodeId, credential } = await enroll('hv-maint');
      const agent = await connectSimAgent(base, credential);
      await agent.request('agent.register', fakeFacts('hv-maint'));
      const patched = await t.request('PATCH', `/api/nodes/${nodeId}`, {
        token,
        body: { maintenance: true, labels: { rack: 'r1' } },
      });
      expect(patched.json).toMatchObject({
        status: 'maintenance',
        maintenance: true,
        labels: { rack: 'r1' },
      });
      agent.notify('node.heartbeat', fakeHeartbeat());
      await Bun.sleep(100);
      expect((await node(nodeId)).status).toBe('maintenance');
      const back = await t.request('PATCH', `/api/nodes/${nodeId}`, { token, body: { maintenance: false } });
      expect(back.json.status).toBe('online');
      const bad = await t.request('PATCH', `/api/nodes/${nodeId}`, {
        token,
        body: { labels: { 'bad key!': 'x' } },
      });
      expect(bad.status).toBe(422);
      agent.close();
    });
  });
}
