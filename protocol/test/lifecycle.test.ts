import { afterEach, describe, expect, test } from 'bun:test';
import { RpcError } from '../src/rpc/index.ts';
import { registerParams } from './support/fixtures.ts';
import { aborted, openLink, rejection, sleep, UUID } from './support/link.ts';

let link: { stop(): Promise<void> } | undefined;
afterEach(async () => {
  await link?.stop();
  link = undefined;
});

/** A handler that only ends when its signal aborts, reporting the abort reason. */
function hangUntilAborted(seen: unknown[]) {
  return async (_params: unknown, ctx: { signal: AbortSignal }): Promise<never> => {
    seen.push(await aborted(ctx.signal));
    throw ctx.signal.reason;
  };
}

describe('deadlines, cancellation and disconnects', () => {
  test('timeout → TIMEOUT for the caller, and the remote handler sees its signal abort', async () => {
    const l = await openLink();
    link = l;
    const seen: unknown[] = [];
    l.agent.handle('domain.shutdown', hangUntilAborted(seen));
    const started = performance.now();
    const error = (await rejection(
      l.appliance.request('domain.shutdown', { uuid: UUID }, { timeoutMs: 50 }),
    )) as RpcError;
    expect(error.code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(500);
    await sleep(20);
    expect(seen).toHaveLength(1);
    expect(['TIMEOUT', 'CANCELLED']).toContain((seen[0] as RpcError).code);
    expect(l.agent.inFlight).toEqual({ outgoing: 0, incoming: 0 }); // nothing left behind on either end
    expect(l.appliance.inFlight).toEqual({ outgoing: 0, incoming: 0 });
  });

  test('the default request timeout applies when none is given', async () => {
    const l = await openLink({ appliance: { requestTimeoutMs: 40 } });
    link = l;
    l.agent.handle('domain.reboot', hangUntilAborted([]));
    expect(((await rejection(l.appliance.request('domain.reboot', { uuid: UUID }))) as RpcError).code).toBe(
      'TIMEOUT',
    );
  });

  test('AbortSignal → CANCELLED at once; the remote handler signal aborts with CANCELLED', async () => {
    const l = await openLink();
    link = l;
    const seen: unknown[] = [];
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    l.agent.handle('domain.reboot', async (params, ctx) => {
      started();
      return hangUntilAborted(seen)(params, ctx);
    });
    const controller = new AbortController();
    const call = l.appliance.request(
      'domain.reboot',
      { uuid: UUID },
      { signal: controller.signal, timeoutMs: 0 },
    );
    await running;
    controller.abort();
    expect(((await rejection(call)) as RpcError).code).toBe('CANCELLED');
    await sleep(20);
    expect((seen[0] as RpcError).code).toBe('CANCELLED');
    // An already-aborted signal never reaches the wire.
    const early = l.appliance.request('domain.reboot', { uuid: UUID }, { signal: AbortSignal.abort() });
    expect(((await rejection(early)) as RpcError).code).toBe('CANCELLED');
  });

  test('a handler that reads its signal only after the cancel still sees it aborted', async () => {
    const l = await openLink();
    link = l;
    let late: AbortSignal | undefined;
    l.agent.handle('domain.suspend', async ({ uuid }, ctx) => {
      await sleep(50);
      late = ctx.signal;
      return { uuid, state: 'paused' };
    });
    const call = l.appliance.request('domain.suspend', { uuid: UUID }, { timeoutMs: 10 });
    expect(((await rejection(call)) as RpcError).code).toBe('TIMEOUT');
    await sleep(80);
    expect(late?.aborted).toBe(true);
    expect((late?.reason as RpcError | undefined)?.code ?? 'none').toMatch(/^(TIMEOUT|CANCELLED)$/);
  });

  test('agent drops mid-request: every pending call on both ends fails with AGENT_DISCONNECTED at once', async () => {
    const l = await openLink();
    link = l;
    const seen: unknown[] = [];
    l.agent.handle('domain.start', hangUntilAborted(seen));
    l.appliance.handle('agent.register', hangUntilAborted([]));
    const applianceCalls = [1, 2, 3].map(() =>
      rejection(l.appliance.request('domain.start', { uuid: UUID }, { timeoutMs: 0 })),
    );
    const agentCall = rejection(l.agent.request('agent.register', registerParams, { timeoutMs: 0 }));
    const download = l.appliance.openStream('volume.download', { pool: 'p', name: 'v' });
    l.agent.handle('volume.download', hangUntilAborted([]));
    await sleep(20);
    const started = performance.now();
    l.socket.close(); // abrupt, from the agent's side; the appliance learns it from the close event
    const errors = (await Promise.all([
      ...applianceCalls,
      agentCall,
      rejection(download.result),
    ])) as RpcError[];
    expect(performance.now() - started).toBeLessThan(500);
    for (const error of errors) expect(error.code).toBe('AGENT_DISCONNECTED');
    expect(((await rejection(download.incoming.collect())) as RpcError).code).toBe('AGENT_DISCONNECTED');
    expect(seen.map((e) => (e as RpcError).code)).toEqual([
      'AGENT_DISCONNECTED',
      'AGENT_DISCONNECTED',
      'AGENT_DISCONNECTED',
    ]);
    // After the drop nothing waits: new calls fail immediately, notifications report false.
    expect(((await rejection(l.appliance.request('domain.list', {}))) as RpcError).code).toBe(
      'AGENT_DISCONNECTED',
    );
    expect(l.agent.notify('node.heartbeat', {} as never)).toBe(false);
    expect(l.appliance.isOpen).toBe(false);
    expect(l.appliance.inFlight).toEqual({ outgoing: 0, incoming: 0 });
    expect(l.agent.inFlight).toEqual({ outgoing: 0, incoming: 0 });
  });

  test('appliance closes the link: the agent side fails at once and onClose fires', async () => {
    const l = await openLink();
    link = l;
    l.appliance.handle('agent.register', hangUntilAborted([]));
    const closed = new Promise<RpcError>((resolve) => l.agent.onClose(resolve));
    const pending = rejection(l.agent.request('agent.register', registerParams));
    await sleep(10);
    l.appliance.close(4000, 'node revoked');
    expect(((await pending) as RpcError).code).toBe('AGENT_DISCONNECTED');
    expect((await closed).message).toContain('node revoked');
  });
});
