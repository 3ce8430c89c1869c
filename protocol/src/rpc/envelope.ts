import { type Static, Type } from '@sinclair/typebox';

/**
 * Wire envelope of the agent link (DESIGN.md "Agent link"). Text frames are JSON objects with a
 * `type`; bulk stream data may instead travel as binary frames (see `encodeBinaryChunk`).
 *
 * Ids are chosen by the caller and unique per connection: each side prefixes its own
 * (`a` appliance, `g` agent), so a stream frame or credit naming an id is never ambiguous.
 */

/** Request id: short opaque string, unique among the sender's in-flight requests. */
export const RpcId = Type.String({ minLength: 1, maxLength: 128 });

/** The error object inside a response or stream frame. `code` is open here so a newer peer's code is not a malformed frame. */
export const WireError = Type.Object({
  code: Type.String(),
  message: Type.String(),
  data: Type.Optional(Type.Unknown()),
});

/** `{type:"request", id, method, params, timeoutMs?}`; timeoutMs lets the handler enforce the caller's deadline too. */
export const RequestFrame = Type.Object({
  type: Type.Literal('request'),
  id: RpcId,
  method: Type.String({ minLength: 1 }),
  params: Type.Unknown(),
  timeoutMs: Type.Optional(Type.Number({ minimum: 0 })),
});
/** A request frame. */
export type RequestFrame = Static<typeof RequestFrame>;

/** `{type:"response", id, result}` or `{type:"response", id, error}`; exactly one of the two is present. */
export const ResponseFrame = Type.Object({
  type: Type.Literal('response'),
  id: RpcId,
  result: Type.Optional(Type.Unknown()),
  error: Type.Optional(WireError),
});
/** A response frame. */
export type ResponseFrame = Static<typeof ResponseFrame>;

/** `{type:"notification", method, params}`: fire and forget, no id, no answer. */
export const NotificationFrame = Type.Object({
  type: Type.Literal('notification'),
  method: Type.String({ minLength: 1 }),
  params: Type.Unknown(),
});
/** A notification frame. */
export type NotificationFrame = Static<typeof NotificationFrame>;

/**
 * `{type:"stream", id, seq, data?, end?, error?}`: one chunk of the stream attached to request `id`.
 * `seq` counts from 0 per direction (binary frames included); `end` and `error` close that direction
 * and consume no credit.
 */
export const StreamFrame = Type.Object({
  type: Type.Literal('stream'),
  id: RpcId,
  seq: Type.Integer({ minimum: 0 }),
  data: Type.Optional(Type.Unknown()),
  end: Type.Optional(Type.Boolean()),
  error: Type.Optional(WireError),
});
/** A stream frame. */
export type StreamFrame = Static<typeof StreamFrame>;

/**
 * The largest frame either end of the agent link accepts (text or binary): four times a bulk
 * chunk (1 MiB) plus room; far above any JSON frame the catalog produces. A bigger frame closes
 * the link with 1009, before anything parses it.
 */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** Any text frame of the agent link. */
export type RpcFrame = RequestFrame | ResponseFrame | NotificationFrame | StreamFrame;

/** Reserved notification: the caller gave up on request `id` (abort or timeout); the handler's signal aborts. */
export const CANCEL_METHOD = '$/cancel';
/** Params of `$/cancel`. */
export const CancelParams = Type.Object({ id: RpcId });

/**
 * Reserved notification: the receiver of stream `id` may be sent `credits` more data chunks.
 * The receiver grants its whole window when the stream opens, then tops it up as its consumer reads,
 * so the sender never has more than `window` chunks unacknowledged.
 */
export const CREDIT_METHOD = '$/stream.credit';
/** Params of `$/stream.credit`. */
export const CreditParams = Type.Object({ id: RpcId, credits: Type.Integer({ minimum: 1 }) });

/** Method names starting with this prefix belong to the engine, never to the catalog. */
export const RESERVED_PREFIX = '$/';

// Binary chunk frame: [0x01][idLength u8][id utf-8][seq u32 BE][payload]. One byte of kind leaves
// room for other binary frame kinds later without breaking old peers (they log and drop unknown kinds).
const BINARY_CHUNK = 0x01;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A decoded binary stream chunk. */
export interface BinaryChunk {
  id: string;
  seq: number;
  data: Uint8Array;
}

/**
 * Encodes a binary stream chunk (bulk volume data, console bytes) without base64's 33% overhead.
 * With `into` large enough, the frame is written there and a view of it returned (no allocation).
 */
export function encodeBinaryChunk(
  id: string,
  seq: number,
  data: Uint8Array,
  into?: Uint8Array<ArrayBuffer>,
): Uint8Array<ArrayBuffer> {
  const idBytes = encoder.encode(id);
  if (idBytes.length > 255) throw new RangeError('stream id too long for a binary frame');
  const length = 2 + idBytes.length + 4 + data.length;
  const frame =
    into && into.byteOffset === 0 && into.byteLength >= length
      ? into.subarray(0, length)
      : new Uint8Array(length);
  frame[0] = BINARY_CHUNK;
  frame[1] = idBytes.length;
  frame.set(idBytes, 2);
  new DataView(frame.buffer, frame.byteOffset).setUint32(2 + idBytes.length, seq);
  frame.set(data, 6 + idBytes.length);
  return frame;
}

/** Decodes a binary frame; undefined when it is not a well-formed chunk. The payload is a view, not a copy. */
export function decodeBinaryChunk(frame: Uint8Array): BinaryChunk | undefined {
  if (frame.length < 6 || frame[0] !== BINARY_CHUNK) return undefined;
  const idLength = frame[1] ?? 0;
  if (idLength === 0 || frame.length < 6 + idLength) return undefined;
  const id = decoder.decode(frame.subarray(2, 2 + idLength));
  const seq = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(2 + idLength);
  return { id, seq, data: frame.subarray(6 + idLength) };
}
