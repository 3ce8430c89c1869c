import { describe, expect, test } from 'bun:test';
import { gatherChunks } from '../src/modules/storage/upload.ts';

/** A body stream that hands over `data` in pieces of the given sizes (cycled). */
function bodyOf(data: Uint8Array, pieceSizes: number[]): ReadableStream<Uint8Array> {
  let offset = 0;
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      const size = pieceSizes[i++ % pieceSizes.length]!;
      controller.enqueue(data.slice(offset, offset + size));
      offset += size;
    },
  });
}

describe('upload chunking', () => {
  test('pieces of any size become full chunks in one reused buffer, the last one short', async () => {
    const data = new Uint8Array(10 * 1000 + 123).map((_, i) => (i * 7) % 256);
    const chunks: Uint8Array[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for await (const chunk of gatherChunks(bodyOf(data, [1, 999, 4096, 17, 2500]), 1000)) {
      buffers.add(chunk.buffer);
      chunks.push(chunk.slice()); // the view is only valid until the next one
    }
    expect(chunks.map((c) => c.length)).toEqual([...Array(10).fill(1000), 123]);
    expect(Buffer.concat(chunks).equals(Buffer.from(data))).toBe(true);
    expect(buffers.size).toBe(1);
  });

  test('each piece is released (its buffer detached) once copied; views into larger buffers are not', async () => {
    const owned = new Uint8Array(100).fill(7);
    const shared = new Uint8Array(200).fill(9);
    const view = shared.subarray(50, 150);
    const chunks: Uint8Array[] = [];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(owned);
        controller.enqueue(view);
        controller.close();
      },
    });
    for await (const chunk of gatherChunks(body, 64)) chunks.push(chunk.slice());
    expect(Buffer.concat(chunks).equals(Buffer.concat([Buffer.alloc(100, 7), Buffer.alloc(100, 9)]))).toBe(
      true,
    );
    expect(owned.buffer.byteLength).toBe(0);
    expect(shared.byteLength).toBe(200);
  });

  test('an empty body yields nothing; an exact multiple has no short tail', async () => {
    const none: Uint8Array[] = [];
    for await (const chunk of gatherChunks(bodyOf(new Uint8Array(0), [10]), 8)) none.push(chunk);
    expect(none).toEqual([]);
    const sizes: number[] = [];
    for await (const chunk of gatherChunks(bodyOf(new Uint8Array(64), [24]), 16)) sizes.push(chunk.length);
    expect(sizes).toEqual([16, 16, 16, 16]);
  });
});
