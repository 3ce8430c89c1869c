import { afterEach, describe, expect, test } from 'bun:test';
import { Type } from '@sinclair/typebox';
import { type AgentHandlers, paddockCatalog, request, RpcError, RpcErrorCode } from '../src/rpc/index.ts';
import { heartbeatParams, registerParams } from './support/fixtures.ts';
import { openLink, rejection, sleep, UUID } from './support/link.ts';

let link: { stop(): Promise<void> } | undefined;
afterEach(async () => {
  await link?.stop();
  link = undefined;
});

describe('requests over a real WebSocket', () => {
  test('appliance → agent and agent → appliance round trips', async () => {
    const l = await openLink();
    link = l;
    l.agent.handle('domain.start', ({ uuid }) => ({ uuid, state: 'running' }));
    l.appliance.handle('agent.register', (params) => ({
      nodeId: `node-${params.hostname}`,
      heartbeatIntervalMs: 30_000,
    }));

    expect(await l.appliance.request('domain.start', { uuid: UUID })).toEqual({
      uuid: UUID,
      state: 'running',
    });
    expect(await l.agent.request('agent.register', registerParams)).toEqual({
      nodeId: 'node-hv1',
      heartbeatIntervalMs: 30_000,
    });
  });

  test('ping works from either side', async () => {
    const l = await openLink();
    link = l;
    l.agent.handle('ping', ({ nonce }) => ({ time: Date.now(), nonce }));
    l.appliance.handle('ping', ({ nonce }) => ({ time: Date.now(), nonce }));
    expect((await l.appliance.request('ping', { nonce: 'x' })).nonce).toBe('x');
    expect((await l.agent.request('ping', { nonce: 'y' })).nonce).toBe('y');
  });

  test('many requests in flight both ways, answered out of order', async () => {
    const l = await openLink();
    link = l;
    const echo = async ({ nonce }: { nonce?: string }) => {
      await sleep(Math.random() * 20);
      return { time: Date.now(), nonce };
    };
    l.agent.handle('ping', echo);
    l.appliance.handle('ping', echo);
    const calls = [];
    for (let i = 0; i < 300; i++) {
      calls.push(l.appliance.request('ping', { nonce: `a${i}` }).then((r) => expect(r.nonce).toBe(`a${i}`)));
      calls.push(l.agent.request('ping', { nonce: `g${i}` }).then((r) => expect(r.nonce).toBe(`g${i}`)));
    }
    await Promise.all(calls);
  });

  test('a full handler set type-checks and serves', async () => {
    const l = await openLink();
    link = l;
    // Declaring the object as AgentHandlers makes tsc list any method the agent forgot.
    const handlers: Partial<AgentHandlers> = {
      'domain.list': () => ({ domains: [] }),
      'domain.info': ({ uuid }) => ({
        uuid,
        name: 'vm1',
        state: 'shutoff',
        vcpus: 1,
        memoryBytes: 2 ** 28,
        maxMemoryBytes: 2 ** 28,
        cpuTimeNs: 0,
        persistent: true,
        autostart: false,
      }),
    };
    l.agent.handleAll(handlers);
    expect(await l.appliance.request('domain.list', {})).toEqual({ domains: [] });
    expect((await l.appliance.request('domain.info', { uuid: UUID })).name).toBe('vm1');
  });

  test('handler errors keep their code, message and data', async () => {
    const l = await openLink();
    link = l;
    l.agent.handle('domain.start', () => {
      throw new RpcError(RpcErrorCode.LIBVIRT_ERROR, 'Requested operation is not valid', { libvirtCode: 55 });
    });
    l.agent.handle('domain.destroy', () => {
      throw new Error('boom');
    });
    const error = (await rejection(l.appliance.request('domain.start', { uuid: UUID }))) as RpcError;
    expect(error).toBeInstanceOf(RpcError);
    expect(error.code).toBe('LIBVIRT_ERROR');
    expect(error.data).toEqual({ libvirtCode: 55 });
    const internal = (await rejection(l.appliance.request('domain.destroy', { uuid: UUID }))) as RpcError;
    expect([internal.code, internal.message]).toEqual(['INTERNAL', 'boom']);
  });

  test('unknown method → METHOD_NOT_FOUND; known but unhandled → NOT_SUPPORTED; link stays up', async () => {
    // The agent is "newer": its catalog has a method the appliance has never heard of.
    const agentCatalog = {
      ...paddockCatalog,
      'node.future': request({
        from: 'agent',
        params: Type.Object({}),
        result: Type.Object({}),
        summary: 'test',
      }),
    };
    const l = await openLink({ agentCatalog });
    link = l;
    const unknown = (await rejection(l.agent.request('node.future', {}))) as RpcError;
    expect(unknown.code).toBe('METHOD_NOT_FOUND');
    const unhandled = (await rejection(l.appliance.request('domain.list', {}))) as RpcError;
    expect(unhandled.code).toBe('NOT_SUPPORTED');
    l.agent.handle('domain.list', () => ({ domains: [] }));
    expect(await l.appliance.request('domain.list', {})).toEqual({ domains: [] });
  });

  test('invalid params → INVALID_PARAMS naming the field; the handler never runs', async () => {
    // The appliance's catalog is "looser", as a buggy or older caller would be.
    const applianceCatalog = {
      ...paddockCatalog,
      'domain.start': request({
        from: 'appliance',
        params: Type.Object({ uuid: Type.String() }),
        result: paddockCatalog['domain.start'].result,
        summary: 'test',
      }),
    };
    const l = await openLink({ applianceCatalog });
    link = l;
    let ran = false;
    l.agent.handle('domain.start', ({ uuid }) => {
      ran = true;
      return { uuid, state: 'running' };
    });
    const error = (await rejection(l.appliance.request('domain.start', { uuid: 'not-a-uuid' }))) as RpcError;
    expect(error.code).toBe('INVALID_PARAMS');
    expect((error.data as { errors: { path: string }[] }).errors[0]?.path).toBe('/uuid');
    expect(ran).toBe(false);
  });

  test('invalid result → INVALID_RESULT on the caller', async () => {
    const l = await openLink();
    link = l;
    l.agent.handle('domain.start', ({ uuid }) => ({ uuid, state: 'sideways' }) as never);
    const error = (await rejection(l.appliance.request('domain.start', { uuid: UUID }))) as RpcError;
    expect(error.code).toBe('INVALID_RESULT');
    expect((error.data as { errors: { path: string }[] }).errors[0]?.path).toBe('/state');
  });

  test('notifications are validated and delivered; invalid ones are dropped', async () => {
    const l = await openLink();
    link = l;
    const received: unknown[] = [];
    l.appliance.onNotification('node.heartbeat', (params) => void received.push(params));
    expect(l.agent.notify('node.heartbeat', heartbeatParams)).toBe(true);
    l.agent.notify('node.heartbeat', { ...heartbeatParams, cpuUsedPct: 250 });
    l.agent.notify('domain.event', { uuid: UUID, name: 'vm1', event: 'started', detail: 'booted' });
    l.appliance.handle('ping', () => ({ time: 1 }));
    await l.agent.request('ping', {}); // frames are ordered: once this returns, the notifications arrived
    expect(received).toEqual([heartbeatParams]);
    expect(l.appliance.stats.malformed).toBe(1);
  });
});
