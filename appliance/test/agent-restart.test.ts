/**
 * The real paddock-agent against the real appliance: it enrolls, registers, and after the
 * appliance's HTTP listener stops and listens again on the same address (the same process: its
 * in-memory state survives; the full process restart is crash-qemu.test.ts) it reconnects by itself (every --reconnect interval)
 * and registers again with its stored credential. Uses libvirt's test:///default driver.
 */
import { afterAll, expect, test } from 'bun:test';
import { startLivenessSweeper } from '../src/agents/liveness.ts';
import { spawnAgent } from './support/real-agent.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { waitFor as waitUntil } from './support/wait.ts';

let t: TestApp | undefined;
let agent: ReturnType<typeof spawnAgent> | undefined;
afterAll(async () => {
  await agent?.stop();
  await t?.app.stop(true);
  await t?.close();
});

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000) =>
  waitUntil(what, fn, timeoutMs, {
    intervalMs: 100,
    context: () => `agent log:\n${agent?.log().slice(-2000)}`,
  });

test('the agent reconnects and re-registers after the appliance listener restarts on the same address', async () => {
  t = await createTestApp('pglite', {
    PADDOCK_HEARTBEAT_INTERVAL_MS: '500',
    PADDOCK_NODE_OFFLINE_AFTER_MS: '3000',
  });
  t.app.listen({ hostname: '127.0.0.1', port: 0 });
  const port = t.app.server!.port;
  const base = `http://127.0.0.1:${port}`;
  const stopSweeper = startLivenessSweeper(t.services.sessions, t.ctx.logger, 3000);
  const { accessToken: token } = await t.login();
  const enrollment = (await t.request('POST', '/api/nodes/enrollment-tokens', { token, body: {} })).json
    .token;
  agent = spawnAgent(base, enrollment, 'test:///default');
  const nodes = async () => (await t!.request('GET', '/api/nodes', { token })).json.items;
  const node = await waitFor('node online', async () =>
    (await nodes()).find((n: { status: string }) => n.status === 'online'),
  );
  expect(node.connected).toBe(true);

  // Restart: the HTTP server goes away (the agent sees its link drop), then listens again.
  await t.app.stop(true);
  await waitFor('node offline', async () => (await nodes())[0].status === 'offline');
  const registeredBefore = (agent.log().match(/link: registered/g) ?? []).length;
  t.app.listen({ hostname: '127.0.0.1', port });
  await waitFor('node online again', async () => {
    const [n] = await nodes();
    return n.status === 'online' && n.connected && n;
  });
  expect((agent.log().match(/link: registered/g) ?? []).length).toBeGreaterThan(registeredBefore);
  // It enrolled once; after the restart it used its stored credential, not the spent token.
  expect(agent.log().match(/enrolling with the token/g)).toHaveLength(1);
  const detail = (await t.request('GET', `/api/nodes/${node.id}`, { token })).json;
  expect(detail.statusEvents.map((e: { to: string }) => e.to)).toEqual(
    expect.arrayContaining(['online', 'offline']),
  );
  stopSweeper();
}, 90_000);
