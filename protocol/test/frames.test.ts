import { afterEach, describe, expect, test } from 'bun:test';
import {
  createAppliancePeer,
  decodeBinaryChunk,
  encodeBinaryChunk,
  MAX_FRAME_BYTES,
  RpcError,
  RpcStreamReader,
} from '../src/rpc/index.ts';
import { openLink, UUID } from './support/link.ts';

let link: { stop(): Promise<void> } | undefined;
afterEach(async () => {
  await link?.stop();
  link = undefined;
});

/** A raw client socket to the hub that collects every text frame it gets back. */
async function rawClient(url: string) {
  const socket = new WebSocket(url);
  const frames: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  socket.addEventListener('message', (event) => {
    frames.push(JSON.parse(String(event.data)));
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  return {
    socket,
    frames,
    /** Waits until a response for `id` arrives. */
    async response(id: string) {
      for (;;) {
        const found = frames.find((f) => f.type === 'response' && f.id === id);
        if (found) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

describe('malformed frames never crash the link', () => {
  test('garbage is logged and dropped; broken requests get typed errors; the link keeps serving', async () => {
    const l = await openLink();
    link = l;
    const raw = await rawClient(l.url);
    raw.socket.send('not json {');
    raw.socket.send('[1,2,3]');
    raw.socket.send('{"type":"bogus"}');
    raw.socket.send('{"type":"response","id":"never-sent","result":{}}');
    raw.socket.send('{"type":"stream","id":"nope","seq":0,"data":1}');
    raw.socket.send(new Uint8Array([9, 9, 9]));
    raw.socket.send(encodeBinaryChunk('nope', 0, new Uint8Array([1, 2])));
    raw.socket.send('{"type":"notification","method":"$/cancel","params":{}}');
    raw.socket.send('{"type":"request","id":"r1","params":{}}'); // no method
    raw.socket.send('{"type":"request","id":"r2","method":"does.not.exist","params":{}}');
    raw.socket.send(`{"type":"request","id":"r3","method":"domain.start","params":{"uuid":"${UUID}"}}`);
    raw.socket.send('{"type":"request","id":"r4","method":"agent.register","params":{"hostname":1}}');
    const codeOf = async (id: string) => ((await raw.response(id)).error as { code: string }).code;
    expect(await codeOf('r1')).toBe('INVALID_REQUEST');
    expect(await codeOf('r2')).toBe('METHOD_NOT_FOUND');
    expect(await codeOf('r3')).toBe('METHOD_NOT_FOUND'); // domain.start is appliance → agent only
    expect(await codeOf('r4')).toBe('NOT_SUPPORTED'); // no register handler on this hub yet
    expect(l.logger.lines).toContain('dropped frame: invalid JSON');
    expect(l.logger.lines).toContain('dropped frame: bad binary frame');
    expect(l.logger.lines.filter((line) => line.startsWith('dropped frame')).length).toBeGreaterThanOrEqual(
      5,
    );
    // The original agent on the same hub is unaffected.
    l.agent.handle('ping', () => ({ time: 1 }));
    expect(await l.appliance.request('ping', {})).toEqual({ time: 1 });
  });

  test('frames already parsed by the server framework (Elysia) are accepted', async () => {
    const sent: string[] = [];
    const peer = createAppliancePeer({ send: (frame) => void sent.push(String(frame)), close: () => {} });
    peer.handle('ping', ({ nonce }) => ({ time: 5, nonce }));
    peer.receive({ type: 'request', id: 'g1', method: 'ping', params: { nonce: 'n' } });
    await Bun.sleep(0);
    expect(JSON.parse(sent[0] ?? '')).toEqual({
      type: 'response',
      id: 'g1',
      result: { time: 5, nonce: 'n' },
    });
  });

  test('a throwing transport closes the peer instead of throwing into the caller', async () => {
    const peer = createAppliancePeer(
      {
        send: () => {
          throw new Error('socket gone');
        },
        close: () => {},
      },
      { logger: { warn: () => {} } },
    );
    const error = await peer.request('ping', {}).catch((e: unknown) => e);
    expect((error as RpcError).code).toBe('AGENT_DISCONNECTED');
    expect(peer.isOpen).toBe(false);
  });
});

describe('binary chunk frames', () => {
  test('round trip id, seq and payload', () => {
    const payload = new Uint8Array([0, 1, 2, 250]);
    const decoded = decodeBinaryChunk(encodeBinaryChunk('a1f', 70_000, payload));
    expect(decoded?.id).toBe('a1f');
    expect(decoded?.seq).toBe(70_000);
    expect(decoded?.data).toEqual(payload);
    expect(decodeBinaryChunk(new Uint8Array([1, 0, 0, 0, 0, 0]))).toBeUndefined();
  });

  test('a chunk sent without credit fails the reader', async () => {
    const reader = new RpcStreamReader<number>({ grant: () => {}, abandon: () => {} }, 2);
    reader.push(0, 1);
    reader.push(1, 2);
    reader.push(2, 3); // third chunk, window of two
    expect(((await reader.collect().catch((e: unknown) => e)) as RpcError).code).toBe('INVALID_REQUEST');
  });
});

describe('frame size limit (MAX_FRAME_BYTES)', () => {
  const bigNonce = () => 'n'.repeat(MAX_FRAME_BYTES + 1);

  test('a peer refuses an oversized frame: the link closes with 1009, nothing is handled', async () => {
    // The appliance end ignores the limit, as a hostile or broken peer would.
    const opened = await openLink({ appliance: { maxFrameBytes: 64 * 1024 ** 2 } });
    link = opened;
    let handled = false;
    opened.agent.handle('ping', ({ nonce }) => {
      handled = true;
      return { time: Date.now(), ...(nonce !== undefined && { nonce }) };
    });
    const closed = new Promise<RpcError>((resolve) => opened.agent.onClose(resolve));
    const answer = opened.appliance.request('ping', { nonce: bigNonce() }).catch((e: RpcError) => e);
    expect((await closed).message).toContain('1009');
    expect(((await answer) as RpcError).code).toBe('AGENT_DISCONNECTED');
    expect(handled).toBe(false);
  });

  test('a peer never sends an oversized frame: it closes the link itself with 1009', async () => {
    const opened = await openLink();
    link = opened;
    let handled = false;
    opened.agent.handle('ping', () => {
      handled = true;
      return { time: Date.now() };
    });
    const agentClosed = new Promise<RpcError>((resolve) => opened.agent.onClose(resolve));
    const error = (await opened.appliance.request('ping', { nonce: bigNonce() }).catch((e) => e)) as RpcError;
    expect(error.code).toBe('AGENT_DISCONNECTED');
    expect(error.message).toContain('1009');
    expect((await agentClosed).message).toContain('1009');
    expect(handled).toBe(false);
  });
});
