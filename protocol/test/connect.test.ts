import { describe, expect, test } from 'bun:test';
import {
  type AppliancePeer,
  connectAgentPeer,
  createAppliancePeer,
  type RpcError,
} from '../src/rpc/index.ts';
import { registerParams } from './support/fixtures.ts';
import { rejection } from './support/link.ts';

describe('connectAgentPeer', () => {
  test('sends the bearer header, wires the socket, and fails pending calls when the hub stops', async () => {
    let authorization: string | null = null;
    let hub: AppliancePeer | undefined;
    const server = Bun.serve<{ peer?: AppliancePeer }>({
      hostname: '127.0.0.1',
      port: 0,
      fetch(request, srv) {
        authorization = request.headers.get('authorization');
        return srv.upgrade(request, { data: {} }) ? undefined : new Response('no', { status: 426 });
      },
      websocket: {
        open(ws) {
          hub = createAppliancePeer(ws);
          ws.data.peer = hub;
        },
        message: (ws, message) => ws.data.peer?.receive(message),
        close: (ws, code, reason) => ws.data.peer?.transportClosed(code, reason),
      },
    });
    const agent = await connectAgentPeer(`ws://127.0.0.1:${server.port}/ws/agent`, {
      headers: { authorization: 'Bearer enroll-123' },
    });
    agent.handle('ping', ({ nonce }) => ({ time: 1, nonce }));
    await Bun.sleep(10);
    expect(authorization as string | null).toBe('Bearer enroll-123');
    expect(await hub?.request('ping', { nonce: 'n' })).toEqual({ time: 1, nonce: 'n' });
    hub?.handle('agent.register', () => new Promise<never>(() => {}));
    const pending = rejection(agent.request('agent.register', registerParams));
    await Bun.sleep(10); // let the request reach the hub's handler first
    await server.stop(true);
    expect(((await pending) as RpcError).code).toBe('AGENT_DISCONNECTED');
  });

  test('a refused connection rejects with AGENT_DISCONNECTED', async () => {
    const server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: () => new Response('no', { status: 401 }),
    });
    const error = (await rejection(connectAgentPeer(`ws://127.0.0.1:${server.port}/ws/agent`))) as RpcError;
    expect(error.code).toBe('AGENT_DISCONNECTED');
    await server.stop(true);
  });
});
