/**
 * Volume upload and download over virStream as async chunk flows: a chunk is in memory only while
 * it crosses to or from the worker, so a 4 GiB image never is. https://libvirt.org/html/libvirt-libvirt-stream.html
 */
import type { WorkerPool } from './worker-pool.ts';

/** Where in the volume a transfer starts and how much it covers (0 = to the end). */
export interface TransferRange {
  offset?: number;
  length?: number;
  flags?: number;
}

/** Bytes per virStreamRecv: large enough to amortize the worker round trip. */
export const DOWNLOAD_CHUNK = 1 << 20;

const SENDS_IN_FLIGHT = 2;

/** Sends every chunk of `source` into the volume; aborts the stream if the source or a send fails. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolUpload */
export async function uploadVolume(
  pool: WorkerPool,
  key: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  range: TransferRange = {},
): Promise<number> {
  const slot = pool.leastBusy();
  const id = await pool.callOn(
    slot,
    'stream.uploadBegin',
    key,
    range.offset ?? 0,
    range.length ?? 0,
    range.flags ?? 0,
  );
  let sent = 0;
  // The next send is queued for the stream's worker while the previous one runs: the pool posts it
  // the moment that one returns, instead of after this loop has resumed and read the next chunk.
  const inFlight: Array<Promise<unknown>> = [];
  try {
    for await (const chunk of source) {
      if (chunk.byteLength === 0) continue;
      const send = pool.callOn(slot, 'stream.send', id, chunk);
      send.catch(() => {}); // awaited below; a failure must not surface as unhandled meanwhile
      inFlight.push(send);
      sent += chunk.byteLength;
      if (inFlight.length >= SENDS_IN_FLIGHT) await inFlight.shift();
    }
    for (const send of inFlight.splice(0)) await send;
    await pool.callOn(slot, 'stream.finish', id);
    return sent;
  } catch (err) {
    await pool.callOn(slot, 'stream.abort', id).catch(() => {});
    throw err;
  }
}

/** Yields the volume's bytes chunk by chunk; breaking out of the loop aborts the stream. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolDownload */
export async function* downloadVolume(
  pool: WorkerPool,
  key: string,
  range: TransferRange = {},
  chunkSize = DOWNLOAD_CHUNK,
): AsyncGenerator<Uint8Array, void, undefined> {
  const slot = pool.leastBusy();
  const id = await pool.callOn(
    slot,
    'stream.downloadBegin',
    key,
    range.offset ?? 0,
    range.length ?? 0,
    range.flags ?? 0,
  );
  let done = false;
  try {
    for (;;) {
      const chunk = await pool.callOn(slot, 'stream.recv', id, chunkSize);
      if (chunk === null) break;
      yield chunk;
    }
    done = true;
    await pool.callOn(slot, 'stream.finish', id);
  } finally {
    if (!done) await pool.callOn(slot, 'stream.abort', id).catch(() => {});
  }
}
