import { afterEach, describe, expect, test } from 'bun:test';
import { Type } from '@sinclair/typebox';
import { paddockCatalog, RpcError, RpcErrorCode, stream } from '../src/rpc/index.ts';
import { openLink, rejection, sleep, UUID } from './support/link.ts';

let link: { stop(): Promise<void> } | undefined;
afterEach(async () => {
  await link?.stop();
  link = undefined;
});

// Below the bulk methods' own window (4), so these tests show the peer's streamWindow applies.
const WINDOW = 2;
const chunk = (i: number, size = 1024) => new Uint8Array(size).fill(i % 256);

describe('streams', () => {
  test('download: a slow consumer bounds the producer to the window', async () => {
    const l = await openLink({ appliance: { streamWindow: WINDOW } });
    link = l;
    let sent = 0;
    let consumed = 0;
    let maxAhead = 0;
    l.agent.handle('volume.download', async (_params, ctx) => {
      for (let i = 0; i < 60; i++) {
        await ctx.outgoing.write(chunk(i));
        sent++;
        maxAhead = Math.max(maxAhead, sent - consumed);
      }
      return { bytesRead: 60 * 1024 };
    });
    const call = l.appliance.openStream('volume.download', { pool: 'default', name: 'disk.qcow2' });
    let i = 0;
    for await (const data of call.incoming) {
      expect(data).toEqual(chunk(i++)); // binary frames, in order
      consumed++;
      await sleep(2);
    }
    expect(await call.result).toEqual({ bytesRead: 60 * 1024 });
    expect(i).toBe(60);
    expect(maxAhead).toBeLessThanOrEqual(WINDOW);
    expect(maxAhead).toBeGreaterThan(1); // the window was actually used, not a lock-step
  });

  test('upload: the caller producer is bounded by the handler consumer', async () => {
    const l = await openLink({ agent: { streamWindow: WINDOW } });
    link = l;
    let sent = 0;
    let consumed = 0;
    let maxAhead = 0;
    let bytes = 0;
    l.agent.handle('volume.upload', async (_params, ctx) => {
      for await (const data of ctx.incoming) {
        bytes += data.length;
        consumed++;
        await sleep(2);
      }
      return { bytesWritten: bytes };
    });
    const call = l.appliance.openStream('volume.upload', {
      pool: 'default',
      name: 'd',
      lengthBytes: 40 * 512,
    });
    async function* source() {
      for (let i = 0; i < 40; i++) {
        yield chunk(i, 512);
        sent++;
        maxAhead = Math.max(maxAhead, sent - consumed);
      }
    }
    await call.outgoing.from(source());
    expect(await call.result).toEqual({ bytesWritten: 40 * 512 });
    expect(maxAhead).toBeLessThanOrEqual(WINDOW);
    expect(call.outgoing.sent).toBe(40);
  });

  test("a bulk method's own window caps chunks in flight below the peer's", async () => {
    const l = await openLink(); // default peer window (16); volume.upload declares 4
    link = l;
    let sent = 0;
    let consumed = 0;
    let maxAhead = 0;
    l.agent.handle('volume.upload', async (_params, ctx) => {
      for await (const _data of ctx.incoming) {
        consumed++;
        await sleep(2);
      }
      return { bytesWritten: 0 };
    });
    const call = l.appliance.openStream('volume.upload', { pool: 'default', name: 'd', lengthBytes: 1 });
    async function* source() {
      for (let i = 0; i < 30; i++) {
        yield chunk(i, 64);
        sent++;
        maxAhead = Math.max(maxAhead, sent - consumed);
      }
    }
    await call.outgoing.from(source());
    await call.result;
    expect(maxAhead).toBeLessThanOrEqual(paddockCatalog['volume.upload'].window!);
    expect(maxAhead).toBeGreaterThan(1);
  });

  test('a transport that copies frames lets one scratch buffer carry every chunk intact', async () => {
    // Bun's ServerWebSocket copies on send; a wide window and a slow reader put frames into its
    // send buffer, where a reference instead of a copy would show up as corrupted chunks.
    const l = await openLink({ appliance: { transportCopiesFrames: true }, agent: { streamWindow: 64 } });
    link = l;
    const sizes = Array.from({ length: 48 }, (_, i) => [256 * 1024, 1000, 64 * 1024 + 7][i % 3]!);
    const received: Uint8Array[] = [];
    // console.open has no window of its own, so the agent's 64 apply.
    l.agent.handle('console.open', async (_params, ctx) => {
      for await (const data of ctx.incoming) {
        received.push(data.slice());
        if (received.length % 8 === 0) await sleep(5);
      }
      return { reason: `${received.reduce((n, c) => n + c.length, 0)}` };
    });
    const total = sizes.reduce((n, size) => n + size, 0);
    const call = l.appliance.openStream('console.open', { uuid: UUID, kind: 'serial' });
    const reused = new Uint8Array(256 * 1024);
    async function* source() {
      for (const [i, size] of sizes.entries()) {
        reused.fill(i % 251, 0, size);
        yield reused.subarray(0, size);
      }
    }
    await call.outgoing.from(source());
    expect(await call.result).toEqual({ reason: String(total) });
    expect(received.map((c) => c.length)).toEqual(sizes);
    for (const [i, data] of received.entries()) expect(data.every((b) => b === i % 251)).toBe(true);
  });

  test('an error mid-stream reaches the consumer after the chunks sent before it', async () => {
    const l = await openLink();
    link = l;
    l.agent.handle('volume.download', async (_params, ctx) => {
      for (let i = 0; i < 3; i++) await ctx.outgoing.write(chunk(i));
      throw new RpcError(RpcErrorCode.LIBVIRT_ERROR, 'I/O error reading volume');
    });
    const call = l.appliance.openStream('volume.download', { pool: 'p', name: 'v' });
    const got: Uint8Array[] = [];
    const error = (await rejection(
      (async () => {
        for await (const data of call.incoming) got.push(data);
      })(),
    )) as RpcError;
    expect(got).toHaveLength(3);
    expect(error.code).toBe('LIBVIRT_ERROR');
    expect(((await rejection(call.result)) as RpcError).code).toBe('LIBVIRT_ERROR');
  });

  test('a producer can fail its own stream explicitly (error frame)', async () => {
    const l = await openLink();
    link = l;
    let handlerSaw: RpcError | undefined;
    l.agent.handle('volume.upload', async (_params, ctx) => {
      try {
        for await (const _ of ctx.incoming);
      } catch (error) {
        handlerSaw = error as RpcError;
      }
      return { bytesWritten: 0 };
    });
    const call = l.appliance.openStream('volume.upload', { pool: 'p', name: 'v', lengthBytes: 1 });
    await call.outgoing.write(chunk(1));
    call.outgoing.fail(new RpcError(RpcErrorCode.CONFLICT, 'source image changed'));
    expect(await call.result).toEqual({ bytesWritten: 0 });
    expect(handlerSaw?.code).toBe('CONFLICT');
  });

  test('console: bytes both ways on one call', async () => {
    const l = await openLink();
    link = l;
    l.agent.handle('console.open', async (_params, ctx) => {
      for await (const keys of ctx.incoming)
        await ctx.outgoing.write(new TextEncoder().encode(`echo:${new TextDecoder().decode(keys)}`));
      return { reason: 'client closed' };
    });
    const call = l.appliance.openStream('console.open', { uuid: UUID, kind: 'serial' });
    const reader = call.incoming[Symbol.asyncIterator]();
    await call.outgoing.write(new TextEncoder().encode('ls'));
    expect(new TextDecoder().decode((await reader.next()).value)).toBe('echo:ls');
    await call.outgoing.write(new TextEncoder().encode('pwd'));
    expect(new TextDecoder().decode((await reader.next()).value)).toBe('echo:pwd');
    call.outgoing.end();
    expect(await call.result).toEqual({ reason: 'client closed' });
    expect((await reader.next()).done).toBe(true);
  });

  test('breaking out of a download cancels the remote producer', async () => {
    const l = await openLink();
    link = l;
    let producerError: RpcError | undefined;
    l.agent.handle('volume.download', async (_params, ctx) => {
      try {
        for (let i = 0; ; i++) await ctx.outgoing.write(chunk(i));
      } catch (error) {
        producerError = error as RpcError;
        throw error;
      }
    });
    const call = l.appliance.openStream('volume.download', { pool: 'p', name: 'v' });
    let n = 0;
    for await (const _ of call.incoming) if (++n === 5) break;
    expect(((await rejection(call.result)) as RpcError).code).toBe('CANCELLED');
    await sleep(20);
    expect(producerError?.code).toBe('CANCELLED');
  });

  test('JSON chunks are validated: a bad chunk fails the call with INVALID_RESULT', async () => {
    const catalog = {
      ...paddockCatalog,
      'test.log': stream({
        from: 'appliance',
        params: Type.Object({}),
        result: Type.Object({ lines: Type.Integer() }),
        toCaller: Type.Object({ line: Type.String() }),
        summary: 'test',
      }),
    };
    const l = await openLink({ applianceCatalog: catalog, agentCatalog: catalog });
    link = l;
    l.agent.handle('test.log', async (_params, ctx) => {
      await ctx.outgoing.write({ line: 'first' });
      await ctx.outgoing.write({ line: 42 } as never);
      await sleep(1000);
      return { lines: 2 };
    });
    const call = l.appliance.openStream('test.log', {});
    const got: unknown[] = [];
    const error = (await rejection(
      (async () => {
        for await (const entry of call.incoming) got.push(entry);
      })(),
    )) as RpcError;
    expect(got).toEqual([{ line: 'first' }]);
    expect(error.code).toBe('INVALID_RESULT');
  });
});
