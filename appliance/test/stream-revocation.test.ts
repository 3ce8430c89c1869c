import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { connect, type Socket } from 'node:net';
import { connectSimAgent, fakeFacts, postEnroll } from './support/sim-agent.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

// Long-lived connections were authorised once, at connect: a disabled, demoted or signed-out user
// kept receiving events and kept typing into VM consoles. They must follow revocation within
// seconds, a client that never reads must not make the appliance buffer without end, and one user
// must not hold an unbounded number of event streams.

const decoder = new TextDecoder();

/** `/api/events` read through the app in-process; `text` is everything received so far. */
async function openEvents(t: TestApp, token: string) {
  const res = await t.app.handle(
    new Request('http://localhost/api/events', { headers: { authorization: `Bearer ${token}` } }),
  );
  const stream = { res, text: '', ended: false, cancel: async () => {} };
  if (res.status !== 200 || !res.body) return stream;
  const reader = res.body.getReader();
  stream.cancel = () => reader.cancel().catch(() => {});
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      stream.text += decoder.decode(value);
    }
  })()
    .catch(() => {})
    .finally(() => {
      stream.ended = true;
    });
  return stream;
}

type EventStream = Awaited<ReturnType<typeof openEvents>>;

const closedWithin = (what: string, s: EventStream, ms = 5000) =>
  waitFor(what, async () => s.ended, ms, { context: () => s.text.slice(-300) });

for (const dialect of DIALECTS) {
  describe(`event streams follow revocation on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    let viewerRoleId: string;

    beforeAll(async () => {
      t = await createTestApp(dialect, {
        // Long: these closures must come from the change itself, not the periodic re-check.
        PADDOCK_STREAM_RECHECK_MS: '60000',
        PADDOCK_EVENT_STREAMS_PER_USER: '3',
      });
      admin = (await t.login()).accessToken;
      const role = await t.request('POST', '/api/roles', {
        token: admin,
        body: { name: 'watcher', permissions: ['tasks:read', 'vms:read'] },
      });
      viewerRoleId = role.json.id;
    });
    afterAll(() => t.close());

    test('disabling the user closes their stream, saying why', async () => {
      const user = await t.userWithRoles('dora', ['watcher']);
      const events = await openEvents(t, user.accessToken);
      expect(events.res.status).toBe(200);
      await waitFor('connected', async () => events.text.includes(': connected'));
      const res = await t.request('PATCH', `/api/users/${user.id}`, {
        token: admin,
        body: { enabled: false },
      });
      expect(res.status).toBe(200);
      await closedWithin('the stream of a disabled user to close', events);
      expect(events.text).toContain('event: closed');
      expect(events.text).toMatch(/"reason":"[^"]*disabled/);
      expect((await openEvents(t, user.accessToken)).res.status).toBe(401);
    });

    test('signing out closes the streams of that session (and its access token stops working)', async () => {
      const user = await t.userWithRoles('lou', ['watcher']);
      const other = await t.login('lou', 'user-pass-123');
      const mine = await openEvents(t, user.accessToken);
      const theirs = await openEvents(t, other.accessToken);
      await waitFor(
        'connected',
        async () => mine.text.includes(': connected') && theirs.text.includes(': connected'),
      );
      const out = await t.request('POST', '/api/auth/logout', { body: { refreshToken: user.refreshToken } });
      expect(out.status).toBe(204);
      await closedWithin('the signed-out session’s stream to close', mine);
      expect(mine.text).toMatch(/"reason":"[^"]*signed out/);
      expect((await t.request('GET', '/api/auth/me', { token: user.accessToken })).status).toBe(401);
      // The same user's other login is another session: it stays.
      await Bun.sleep(300);
      expect(theirs.ended).toBe(false);
      expect((await t.request('GET', '/api/auth/me', { token: other.accessToken })).status).toBe(200);
      await theirs.cancel();
    });

    test('losing a read permission stops that kind of event at once', async () => {
      const user = await t.userWithRoles('rita', ['watcher']);
      const events = await openEvents(t, user.accessToken);
      await waitFor('connected', async () => events.text.includes(': connected'));
      t.services.events.publish({ kind: 'task', id: 'before', permission: 'tasks:read', data: {} });
      await waitFor('the first task event', async () => events.text.includes('"id":"before"'));
      await t.request('PATCH', `/api/roles/${viewerRoleId}`, {
        token: admin,
        body: { permissions: ['vms:read'] },
      });
      // The change reaches the stream through the notification, not the (one-minute) re-check.
      await Bun.sleep(1500);
      t.services.events.publish({ kind: 'task', id: 'after', permission: 'tasks:read', data: {} });
      t.services.events.publish({ kind: 'vm', id: 'still-visible', permission: 'vms:read', data: {} });
      await waitFor('the vm event', async () => events.text.includes('"id":"still-visible"'));
      expect(events.text).not.toContain('"id":"after"');
      expect(events.ended).toBe(false);
      await events.cancel();
      await t.request('PATCH', `/api/roles/${viewerRoleId}`, {
        token: admin,
        body: { permissions: ['tasks:read', 'vms:read'] },
      });
    });

    test('a user holds at most the configured number of event streams; the next gets 429', async () => {
      const user = await t.userWithRoles('cap', ['watcher']);
      const open = [];
      for (let i = 0; i < 3; i++) open.push(await openEvents(t, user.accessToken));
      expect(open.map((s) => s.res.status)).toEqual([200, 200, 200]);
      const refused = await openEvents(t, user.accessToken);
      expect(refused.res.status).toBe(429);
      expect((await refused.res.json()).error.code).toBe('TOO_MANY_STREAMS');
      // Someone else is not affected by this user's streams.
      const otherUser = await openEvents(t, admin);
      expect(otherUser.res.status).toBe(200);
      await otherUser.cancel();
      await open[0]!.cancel();
      const again = await waitFor('a freed slot', async () => {
        const s = await openEvents(t, user.accessToken);
        return s.res.status === 200 && s;
      });
      for (const s of [...open, again]) await s.cancel();
    });
  });
}

describe('a client that never reads is dropped after a bounded buffer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { PADDOCK_EVENTS_BUFFER_BYTES: String(256 * 1024) });
    t.app.listen({ hostname: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await t.app.stop(true);
    await t.close();
  });

  test('the stalled stream is dropped while a reading one gets every event', async () => {
    const token = (await t.login()).accessToken;
    const port = t.app.server!.port!;
    const baseline = t.services.events.size;
    // A raw socket: it sends the request, reads the headers, then stops reading for good.
    const stalled: Socket = connect(port, '127.0.0.1');
    stalled.on('error', () => {});
    stalled.write(`GET /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    await new Promise<void>((resolve) => stalled.once('data', () => resolve()));
    stalled.pause();
    const stopReading = new AbortController();
    const reader = await fetch(`http://127.0.0.1:${port}/api/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: stopReading.signal,
    });
    let received = 0;
    const counting = (async () => {
      let text = '';
      for await (const chunk of reader.body!) {
        text += decoder.decode(chunk);
        const parts = text.split('\n\n');
        text = parts.pop()!;
        received += parts.filter((p) => p.startsWith('event: task')).length;
      }
    })().catch(() => {});
    await waitFor('both streams subscribed', async () => t.services.events.size === baseline + 2);
    const blob = 'x'.repeat(64 * 1024);
    let published = 0;
    // Far more than any socket buffers: without a bound the appliance would queue it all.
    while (t.services.events.size > baseline + 1 && published < 2000) {
      t.services.events.publish({
        kind: 'task',
        id: `e${published++}`,
        permission: 'tasks:read',
        data: { blob },
      });
      await Bun.sleep(1);
    }
    expect(t.services.events.size).toBe(baseline + 1);
    expect(published).toBeLessThan(2000);
    await waitFor('the reading client to get every event', async () => received === published, 20_000);
    stalled.destroy();
    stopReading.abort();
    await counting;
  });
});

describe('two replicas on one PostgreSQL', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { PADDOCK_STREAM_RECHECK_MS: '60000' };
    a = await createTestApp('postgres', env);
    b = await createTestApp('postgres', { ...env, DATABASE_URL: a.ctx.config.databaseUrl! });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  test('a user disabled on one replica loses the stream open on the other', async () => {
    const adminOnA = (await a.login()).accessToken;
    const user = await a.userWithRoles('rex', ['viewer']);
    const events = await openEvents(b, user.accessToken);
    expect(events.res.status).toBe(200);
    await waitFor('connected', async () => events.text.includes(': connected'));
    await a.request('PATCH', `/api/users/${user.id}`, { token: adminOnA, body: { enabled: false } });
    await closedWithin('the stream on the other replica to close', events);
    expect(events.text).toMatch(/"reason":"[^"]*disabled/);
  });
});

describe('the periodic re-check catches what no notification announced', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite', { PADDOCK_STREAM_RECHECK_MS: '300' });
  });
  afterAll(() => t.close());

  test('a user disabled straight in the database is cut off within the re-check period', async () => {
    const user = await t.userWithRoles('sql', ['viewer']);
    const events = await openEvents(t, user.accessToken);
    await waitFor('connected', async () => events.text.includes(': connected'));
    await t.ctx.db.updateTable('users').set({ enabled: false }).where('id', '=', user.id).execute();
    await closedWithin('the re-check to close the stream', events);
  });
});

describe('VM consoles follow revocation', () => {
  let t: TestApp;
  let base: string;
  let admin: string;
  let vmId: string;
  const aborted: string[] = [];
  let agent: Awaited<ReturnType<typeof connectSimAgent>>;

  beforeAll(async () => {
    t = await createTestApp('pglite', { PADDOCK_STREAM_RECHECK_MS: '60000' });
    t.app.listen({ hostname: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${t.app.server!.port}`;
    admin = (await t.login()).accessToken;
    const issued = await t.request('POST', '/api/nodes/enrollment-tokens', { token: admin, body: {} });
    const enrolled = (await (await postEnroll(base, issued.json.token, 'hv-console')).json()) as {
      credential: string;
    };
    // A stand-in agent: its console sends a greeting, then waits until the appliance cancels it.
    agent = await connectSimAgent(base, enrolled.credential);
    agent.handle('console.open', async ({ uuid }, ctx) => {
      await ctx.outgoing.write(new TextEncoder().encode('hello from the guest'));
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      aborted.push(uuid);
      return { reason: 'cancelled' };
    });
    await agent.request('agent.register', fakeFacts('hv-console'));
    const uuid = crypto.randomUUID();
    agent.notify('domain.event', {
      uuid,
      name: 'console-vm',
      event: 'started',
      state: 'running',
      detail: 'booted',
      time: Date.now(),
    });
    vmId = await waitFor('the VM row', async () => {
      const vms = await t.request('GET', '/api/vms?q=console-vm', { token: admin });
      return vms.json.items[0]?.status === 'running' && (vms.json.items[0].id as string);
    });
    for (const name of ['console-a', 'console-b', 'console-c']) {
      await t.request('POST', '/api/roles', {
        token: admin,
        body: { name, permissions: ['vms:read', 'vms:console'] },
      });
    }
  });
  afterAll(async () => {
    agent.close();
    t.services.hub.closeAll();
    await t.app.stop(true);
    await t.close();
  });

  /** A console WebSocket of `user`, open and greeted; `closed` resolves with its close code and reason. */
  async function openConsole(token: string) {
    const ticket = await t.request('POST', `/api/vms/${vmId}/console`, { token, body: { type: 'serial' } });
    expect(ticket.status).toBe(201);
    const ws = new WebSocket(`${base.replace('http', 'ws')}${ticket.json.url}`);
    ws.binaryType = 'arraybuffer';
    let greeted = false;
    ws.onmessage = () => {
      greeted = true;
    };
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      ws.onclose = (e) => resolve({ code: e.code, reason: e.reason });
    });
    await waitFor('the guest greeting', async () => greeted);
    return { ws, closed };
  }

  async function closesWithin(c: { closed: Promise<{ code: number; reason: string }> }, ms = 5000) {
    return Promise.race([c.closed, Bun.sleep(ms).then(() => ({ code: 0, reason: 'still open' }))]);
  }

  test('losing vms:console closes the console, and the agent side is cancelled', async () => {
    const user = await t.userWithRoles('cora', ['console-a']);
    const c = await openConsole(user.accessToken);
    const roleId = (await t.request('GET', '/api/roles?q=console-a', { token: admin })).json.items[0].id;
    const before = aborted.length;
    await t.request('PATCH', `/api/roles/${roleId}`, { token: admin, body: { permissions: ['vms:read'] } });
    const outcome = await closesWithin(c);
    expect(outcome.code).toBe(4403);
    expect(outcome.reason).toContain('vms:console');
    await waitFor('the agent stream cancelled', async () => aborted.length > before);
  });

  test('disabling the user closes the console', async () => {
    const user = await t.userWithRoles('cody', ['console-b']);
    const c = await openConsole(user.accessToken);
    await t.request('PATCH', `/api/users/${user.id}`, { token: admin, body: { enabled: false } });
    const outcome = await closesWithin(c);
    expect(outcome.code).toBe(4403);
    expect(outcome.reason).toContain('disabled');
  });

  test('signing out closes the console of that session', async () => {
    const user = await t.userWithRoles('cleo', ['console-c']);
    const c = await openConsole(user.accessToken);
    await t.request('POST', '/api/auth/logout', { body: { refreshToken: user.refreshToken } });
    const outcome = await closesWithin(c);
    expect(outcome.code).toBe(4403);
    expect(outcome.reason).toContain('signed out');
  });
});
