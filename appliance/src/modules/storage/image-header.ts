/**
 * Checks an uploaded image's header before a byte reaches the node. An uploaded image is
 * untrusted: a qcow2 naming a backing file or an external data file makes QEMU open that host file
 * for the guest (/etc/shadow as a disk). A qcow2 must say nothing of either and carry only features
 * this reader knows; an upload declared raw or iso is not inspected, because it stays raw (the
 * domain XML names the format, so QEMU never probes it).
 */

/** Bytes read before judging: the header and its extensions live in the first cluster (≥ 512 B). */
export const HEADER_BYTES = 64 * 1024;

const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"
const EXT_DATA_FILE = 0x44415441; // header extension naming the external data file
const INCOMPAT_DATA_FILE = 1n << 2n;
// dirty, corrupt, external data file, compression type, extended L2: anything else is unknown.
const INCOMPAT_KNOWN = 0b11111n;

/** Why a qcow2 upload is refused, judged on its first bytes (`total` is the upload's size); undefined if fine. */
export function qcow2Problem(head: Uint8Array, total: number): string | undefined {
  if (head.byteLength < 72) return 'is too short to be a qcow2 image';
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (view.getUint32(0) !== QCOW2_MAGIC) return 'is not a qcow2 image (declared qcow2)';
  const version = view.getUint32(4);
  if (version !== 2 && version !== 3) return `is qcow2 version ${version}, not 2 or 3`;
  const backingOffset = view.getBigUint64(8);
  const backingSize = view.getUint32(16);
  if (backingOffset !== 0n || backingSize !== 0) {
    const start = Number(backingOffset);
    const name =
      start > 0 && start + backingSize <= head.byteLength
        ? new TextDecoder().decode(head.subarray(start, start + backingSize))
        : undefined;
    return `names a backing file${name ? ` (${name})` : ''}: upload a standalone image (qemu-img convert)`;
  }
  if (view.getUint32(32) !== 0) return 'is encrypted';
  if (version === 2) return undefined;
  if (head.byteLength < 104) return 'is too short to be a qcow2 version 3 image';
  const incompatible = view.getBigUint64(72);
  if (incompatible & INCOMPAT_DATA_FILE) return 'keeps its data in an external data file';
  if (incompatible & ~INCOMPAT_KNOWN)
    return `uses unknown incompatible features (0x${incompatible.toString(16)})`;
  // Header extensions follow the header: (type u32, length u32, data padded to 8) until type 0.
  let at = view.getUint32(100);
  while (at + 8 <= head.byteLength) {
    const type = view.getUint32(at);
    if (type === 0) return undefined;
    if (type === EXT_DATA_FILE) return 'names an external data file';
    at += 8 + Math.ceil(view.getUint32(at + 4) / 8) * 8;
  }
  // The extension list runs past what was read: only a hostile header does that.
  return at < total ? 'has header extensions beyond the first 64 KiB' : 'has a truncated header';
}

/**
 * Reads up to `bytes` from the start of `body` and hands back that head and an iterable over the
 * whole body again (head first), so the caller can judge the header and still stream everything.
 */
export async function peekHead(
  body: ReadableStream<Uint8Array>,
  bytes = HEADER_BYTES,
): Promise<{ head: Uint8Array; all: AsyncIterable<Uint8Array> }> {
  const reader = body.getReader();
  const pieces: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < bytes) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    pieces.push(next.value);
    have += next.value.byteLength;
  }
  const head = new Uint8Array(have);
  let at = 0;
  for (const p of pieces) {
    head.set(p, at);
    at += p.byteLength;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    try {
      if (head.byteLength > 0) yield head;
      while (!done) {
        const next = await reader.read();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  return { head: head.subarray(0, Math.min(have, bytes)), all: all() };
}
