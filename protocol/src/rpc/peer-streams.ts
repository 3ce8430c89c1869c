import type { TSchema } from '@sinclair/typebox';
import { CREDIT_METHOD, decodeBinaryChunk, encodeBinaryChunk, type StreamFrame } from './envelope.ts';
import { RpcError, RpcErrorCode, type RpcWireError } from './errors.ts';
import type { StreamDef } from './method.ts';
import { RpcStreamReader, RpcStreamWriter } from './stream.ts';
import { matches } from './validate.ts';

/** The reader that a call's incoming chunks go to, its chunk schema, and whether this side is the caller. */
export interface StreamTarget {
  reader: RpcStreamReader<unknown>;
  schema: TSchema;
  callerSide: boolean;
}

/**
 * What the stream plumbing needs from its peer: a way to send frames, and the peer's call tables
 * (which call a stream id belongs to, and how to fail it) — the calls stay the peer's.
 */
export interface StreamHost {
  sendJson(frame: object): boolean;
  sendRaw(data: string | Uint8Array<ArrayBuffer>): boolean;
  readerFor(id: string): StreamTarget | undefined;
  /** A bad chunk from the handler fails the whole call; from the caller, only the handler's reader. */
  failStream(id: string, callerSide: boolean, error: RpcError): void;
  malformed(reason: string, detail: unknown): void;
  logger: { debug?(data: object, msg: string): void };
}

/** The `$/stream.credit` notification granting `credits` more chunks on stream `id`. */
export function creditFrame(id: string, credits: number) {
  return { type: 'notification', method: CREDIT_METHOD, params: { id, credits } } as const;
}

function isBytesSchema(schema: TSchema | null): boolean {
  return schema?.type === 'Uint8Array';
}

/**
 * The stream side of an RpcPeer: builds the credit-paced reader and writer ends of a stream call
 * (JSON chunks as `stream` frames, byte chunks as binary frames) and routes incoming stream
 * frames and binary chunks to the right reader, checking each chunk against the method's schema.
 */
export class PeerStreams {
  readonly #host: StreamHost;
  readonly #window: number;
  readonly #reuseFrames: boolean;

  /**
   * `window`: chunks a remote producer may have in flight per incoming stream. `reuseFrames`: the
   * transport copies a frame before `send` returns, so one scratch buffer per stream can carry
   * every binary chunk.
   */
  constructor(host: StreamHost, window: number, reuseFrames: boolean) {
    this.#host = host;
    this.#window = window;
    this.#reuseFrames = reuseFrames;
  }

  // The window is the smaller of the peer's and the method's own: bulk methods with 1 MiB chunks cap
  // what sits in send buffers, whatever window small-chunk streams (consoles) get.
  reader(id: string, def: StreamDef, abandon: () => void): RpcStreamReader<unknown> {
    const window = def.window === undefined ? this.#window : Math.max(1, Math.min(this.#window, def.window));
    return new RpcStreamReader(
      { grant: (credits) => this.#host.sendJson(creditFrame(id, credits)), abandon },
      window,
    );
  }

  writer(id: string, schema: TSchema): RpcStreamWriter<unknown> {
    const binary = isBytesSchema(schema);
    // Reused only when the transport copies frames; otherwise it stays undefined and every chunk
    // gets a fresh frame.
    let scratch: Uint8Array<ArrayBuffer> | undefined;
    return new RpcStreamWriter<unknown>({
      sendChunk: (seq, chunk) => {
        if (!binary) {
          this.#host.sendJson({ type: 'stream', id, seq, data: chunk });
          return;
        }
        const frame = encodeBinaryChunk(id, seq, chunk as Uint8Array, scratch);
        if (this.#reuseFrames && frame.buffer !== scratch?.buffer) scratch = new Uint8Array(frame.buffer);
        this.#host.sendRaw(frame);
      },
      sendEnd: (seq) => this.#host.sendJson({ type: 'stream', id, seq, end: true }),
      sendError: (seq, error) => this.#host.sendJson({ type: 'stream', id, seq, error: error.toWire() }),
    });
  }

  /** A `stream` frame (a JSON chunk, the end, or the producer's error). */
  onStreamFrame(frame: StreamFrame): void {
    const target = this.#host.readerFor(frame.id);
    if (!target) {
      this.#host.logger.debug?.({ id: frame.id }, 'stream frame for unknown or settled call');
      return;
    }
    const { reader, schema, callerSide } = target;
    if (frame.error) {
      reader.fail(RpcError.fromWire(frame.error as RpcWireError));
      return;
    }
    if (frame.data !== undefined) {
      if (isBytesSchema(schema) || !matches(schema, frame.data)) {
        const code = callerSide ? RpcErrorCode.INVALID_RESULT : RpcErrorCode.INVALID_PARAMS;
        const error = new RpcError(code, 'stream chunk does not match the method schema');
        this.#host.failStream(frame.id, callerSide, error);
        return;
      }
      reader.push(frame.seq, frame.data);
      if (frame.end) reader.end(frame.seq + 1);
      return;
    }
    if (frame.end) reader.end(frame.seq);
  }

  /** A binary frame: one byte chunk of a stream whose schema is `Type.Uint8Array()`. */
  onBinary(bytes: Uint8Array): void {
    const chunk = decodeBinaryChunk(bytes);
    if (!chunk) {
      this.#host.malformed('bad binary frame', { length: bytes.length });
      return;
    }
    const target = this.#host.readerFor(chunk.id);
    if (!target) return;
    if (!isBytesSchema(target.schema)) {
      const code = target.callerSide ? RpcErrorCode.INVALID_RESULT : RpcErrorCode.INVALID_PARAMS;
      this.#host.failStream(chunk.id, target.callerSide, new RpcError(code, 'binary chunk on a JSON stream'));
      return;
    }
    // Copy: the payload is a view into a buffer the runtime may reuse after this callback.
    target.reader.push(chunk.seq, chunk.data.slice());
  }
}
