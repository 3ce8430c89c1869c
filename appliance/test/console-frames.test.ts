/**
 * `/ws/console` carries exactly the bytes the browser sends: text frames as their UTF-8 bytes,
 * binary frames as they are, whatever the text looks like (Elysia would turn `"5000"` into the
 * number 5000, and `new Uint8Array(5000)` is 5000 zero bytes — three frames of `"500000000"` once
 * cost the appliance 477 MiB), and oversized frames close the console. The node end is the
 * stand-in agent (sim-agent.ts), which records every byte `console.open` receives; the real
 * guest's serial console is driven the same way in vm-qemu.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { MAX_CONSOLE_FRAME_BYTES } from '../src/modules/consoles/routes.ts';
import { connectSimAgent, fakeFacts, postEnroll } from './support/sim-agent.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

describe('console frames through /ws/console', () => {
  let t: TestApp;
  let base: string;
  let token: string;
  let vmId: string;
  let agent: Awaited<ReturnType<typeof connectSimAgent>>;
  const received: number[] = [];

  beforeAll(async () => {
    t = await createTestApp('postgres');
    t.app.listen({ hostname: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${t.app.server!.port}`;
    token = (await t.login()).accessToken;
    const issued = await t.request('POST', '/api/nodes/enrollment-tokens', { token, body: {} });
    const enrolled = (await (await postEnroll(base, issued.json.token, 'hv-console')).json()) as {
      credential: string;
    };
    agent = await connectSimAgent(base, enrolled.credential);
    agent.handle('console.open', async (_params, ctx) => {
      await ctx.outgoing.write(new TextEncoder().encode('ready\r\n'));
      for await (const chunk of ctx.incoming) received.push(...chunk);
      return { reason: 'browser left' };
    });
    await agent.request('agent.register', fakeFacts('hv-console'));
    agent.notify('domain.event', {
      uuid: crypto.randomUUID(),
      name: 'console-guest',
      event: 'started',
      detail: 'booted',
      state: 'running',
    });
    vmId = await waitFor('the running VM', async () => {
      const list = await t.request('GET', '/api/vms?q=console-guest', { token });
      return list.json.items[0]?.status === 'running' && (list.json.items[0].id as string);
    });
  }, 120_000);
  afterAll(async () => {
    agent?.close();
    await t?.app.stop(true);
    await t?.close();
  });

  async function openConsole() {
    const ticket = await t.request('POST', `/api/vms/${vmId}/console`, { token, body: { type: 'serial' } });
    expect(ticket.status).toBe(201);
    const ws = new WebSocket(`${base.replace('http', 'ws')}${ticket.json.url}`);
    ws.binaryType = 'arraybuffer';
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      ws.onclose = (e) => resolve({ code: e.code, reason: e.reason });
    });
    await new Promise<void>((resolve, reject) => {
      ws.onmessage = () => resolve();
      ws.onerror = () => reject(new Error('console did not open'));
    });
    return { ws, closed };
  }

  test('text frames arrive as their UTF-8 bytes, binary frames as they are', async () => {
    received.length = 0;
    const { ws, closed } = await openConsole();
    // What a terminal sends: keys one by one (digits included), a paste that looks like JSON.
    const texts = ['7', '5000', '007', '1e3', '-0', '"quoted"', 'true', 'null', '[1]', '{"a":1}', 'é\r'];
    const binary = new Uint8Array([0, 255, 10, 27, 91, 65]);
    for (const text of texts) ws.send(text);
    ws.send(binary);
    const expected = [...new TextEncoder().encode(texts.join('')), ...binary];
    await waitFor('the bytes at the node', async () => received.length >= expected.length, 5000);
    await Bun.sleep(100);
    expect(Buffer.from(received).toString('latin1')).toBe(Buffer.from(expected).toString('latin1'));
    ws.close(1000);
    expect((await closed).code).toBe(1000);
  });

  test('a frame over the size limit closes the console; nothing of it reaches the node', async () => {
    received.length = 0;
    const { ws, closed } = await openConsole();
    ws.send('x'.repeat(MAX_CONSOLE_FRAME_BYTES + 1));
    const outcome = await closed;
    expect(outcome.code).toBe(1009);
    await Bun.sleep(100);
    expect(received.length).toBe(0);
  });
});
