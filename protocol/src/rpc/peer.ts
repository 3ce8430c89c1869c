import {
  CANCEL_METHOD,
  CancelParams,
  CREDIT_METHOD,
  CreditParams,
  MAX_FRAME_BYTES,
  NotificationFrame,
  RequestFrame,
  ResponseFrame,
  StreamFrame,
} from './envelope.ts';
import { RpcError, RpcErrorCode, type RpcWireError } from './errors.ts';
import type {
  HandledMethods,
  HandlerStreams,
  MethodCatalog,
  MethodDef,
  NotificationListener,
  ParamsOf,
  ReceivedNotifications,
  RequestDef,
  RequestMethods,
  ResultOf,
  SentNotifications,
  Side,
  StreamCall,
  StreamDef,
  StreamMethods,
} from './method.ts';
import { creditFrame, PeerStreams, type StreamTarget } from './peer-streams.ts';
import type { RpcStreamReader, RpcStreamWriter } from './stream.ts';
import type { RpcTransport } from './transport.ts';
import { issuesOf, matches } from './validate.ts';

// The handler types name RpcPeer (a handler gets the peer that called it) and RpcPeer takes
// handlers, so they live beside the class rather than in method.ts.
/** What a handler receives besides its params. */
export type HandlerContext<C extends MethodCatalog, S extends Side, M extends keyof C> = {
  /** Request id (the caller's), for logs. */
  id: string;
  /** Method name. */
  method: M;
  /** Aborted when the caller cancels, the deadline passes or the link drops; `reason` is an RpcError. */
  signal: AbortSignal;
  /** The peer that received the request, to call back or notify. */
  peer: RpcPeer<C, S>;
} & HandlerStreams<C[M]>;

/** A handler for method `M` on side `S`. */
export type Handler<C extends MethodCatalog, S extends Side, M extends HandledMethods<C, S>> = (
  params: ParamsOf<C, M>,
  ctx: HandlerContext<C, S, M>,
) => ResultOf<C, M> | Promise<ResultOf<C, M>>;

/** Every handler side `S` must provide: declare `const h: Handlers<…> = {…}` to have the compiler check coverage. */
export type Handlers<C extends MethodCatalog, S extends Side> = {
  [M in HandledMethods<C, S>]: Handler<C, S, M>;
};

/** Where the peer reports frames it drops; pino's `logger.warn(obj, msg)` fits. */
export interface RpcLogger {
  warn(data: object, msg: string): void;
  debug?(data: object, msg: string): void;
}

/** How to build a peer. */
export interface RpcPeerOptions<C extends MethodCatalog, S extends Side> {
  /** Which end this peer is: decides which methods it may call and must answer. */
  side: S;
  /** The method catalog shared by both ends (`paddockCatalog` in production). */
  catalog: C;
  /** Where frames go; the owner feeds incoming frames to `receive` and the close event to `transportClosed`. */
  transport: RpcTransport;
  /** Deadline for plain requests without their own `timeoutMs` (default 30 s; 0 = none). Streams default to none. */
  requestTimeoutMs?: number;
  /** Chunks this peer lets a remote producer have in flight per incoming stream (default 16). */
  streamWindow?: number;
  /** Reports dropped frames; default `console`. */
  logger?: RpcLogger;
  /**
   * The transport copies a frame's bytes before `send` returns (Bun's ServerWebSocket does), so
   * one scratch buffer per stream can carry every binary chunk: a bulk upload then allocates
   * nothing per chunk on this side. Leave off for transports that keep a reference to the frame.
   */
  transportCopiesFrames?: boolean;
  /**
   * The largest frame sent or accepted (default MAX_FRAME_BYTES). A bigger incoming one closes the
   * link with 1009 before it is parsed; a bigger outgoing one closes it the same way instead of
   * being sent, since the other end would refuse it. Frames a server framework already parsed
   * into objects are bounded by the server (Bun's maxPayloadLength), not here.
   */
  maxFrameBytes?: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborting rejects the call with CANCELLED and aborts the remote handler's signal. */
  signal?: AbortSignal;
  /** Overrides the default deadline; 0 = no deadline. Sent along so the handler can enforce it too. */
  timeoutMs?: number;
}

/** Frame counters, for /metrics. */
export interface RpcPeerStats {
  framesIn: number;
  framesOut: number;
  malformed: number;
}

type AnyCallDef = RequestDef | StreamDef;

interface OutgoingCall {
  id: string;
  def: AnyCallDef;
  resolve(result: unknown): void;
  reject(error: RpcError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  detachSignal: (() => void) | undefined;
  incoming: RpcStreamReader<unknown> | undefined;
  outgoing: RpcStreamWriter<unknown> | undefined;
}

interface IncomingCall {
  id: string;
  def: AnyCallDef;
  // Created on first `ctx.signal` read: most handlers never look, and an AbortController per
  // request was ~6% of the per-request CPU.
  controller: AbortController | undefined;
  abortedWith: RpcError | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  incoming: RpcStreamReader<unknown> | undefined;
  outgoing: RpcStreamWriter<unknown> | undefined;
}

type AnyHandler = (params: unknown, ctx: never) => unknown;
type AnyListener = (params: unknown) => void | Promise<void>;

const consoleLogger: RpcLogger = { warn: (data, msg) => console.warn(`[rpc] ${msg}`, data) };

// Bytes of `text` in UTF-8 (a surrogate pair is 2 units and 4 bytes), without encoding it.
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes += unit < 0x80 ? 1 : unit < 0x800 || (unit >= 0xd800 && unit < 0xe000) ? 2 : 3;
  }
  return bytes;
}

/**
 * One end of the agent link: JSON-RPC-like requests both ways, notifications, and streams with
 * credit-based backpressure, over any transport that can send text/binary frames. Transport
 * agnostic: the hub feeds it a server WebSocket's events, the agent a client WebSocket's.
 */
export class RpcPeer<C extends MethodCatalog, S extends Side> {
  /** Which end this peer is. */
  readonly side: S;
  /** Frame counters. */
  readonly stats: RpcPeerStats = { framesIn: 0, framesOut: 0, malformed: 0 };
  readonly #catalog: C;
  readonly #transport: RpcTransport;
  readonly #requestTimeoutMs: number;
  readonly #logger: RpcLogger;
  readonly #streams: PeerStreams;
  readonly #maxFrameBytes: number;
  readonly #idPrefix: string;
  #nextId = 0;
  #closedWith: RpcError | undefined;
  readonly #pending = new Map<string, OutgoingCall>();
  readonly #incoming = new Map<string, IncomingCall>();
  readonly #handlers = new Map<string, AnyHandler>();
  readonly #listeners = new Map<string, Set<AnyListener>>();
  readonly #closeListeners = new Set<(error: RpcError) => void>();

  constructor(options: RpcPeerOptions<C, S>) {
    this.side = options.side;
    this.#catalog = options.catalog;
    this.#transport = options.transport;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#logger = options.logger ?? consoleLogger;
    this.#maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.#streams = new PeerStreams(
      {
        sendJson: (frame) => this.#sendJson(frame),
        sendRaw: (data) => this.#sendRaw(data),
        readerFor: (id) => this.#readerFor(id),
        failStream: (id, callerSide, error) => this.#failStream(id, callerSide, error),
        malformed: (reason, detail) => this.#malformed(reason, detail),
        logger: this.#logger,
      },
      Math.max(1, options.streamWindow ?? 16),
      options.transportCopiesFrames ?? false,
    );
    // Distinct prefixes per side keep ids unique on the connection (see envelope.ts).
    this.#idPrefix = options.side === 'appliance' ? 'a' : 'g';
  }

  /** False once the link closed; calls then fail at once with AGENT_DISCONNECTED. */
  get isOpen(): boolean {
    return this.#closedWith === undefined;
  }

  /** Calls a plain request method on the other side; resolves with the validated result or rejects with RpcError. */
  request<M extends RequestMethods<C, S>>(
    method: M,
    params: NoInfer<ParamsOf<C, M>>,
    options: CallOptions = {},
  ): Promise<NoInfer<ResultOf<C, M>>> {
    return this.#start(method, params, options, 'request').result as Promise<ResultOf<C, M>>;
  }

  /** Opens a stream method: returns the result promise plus its `incoming` reader and/or `outgoing` writer. */
  openStream<M extends StreamMethods<C, S>>(
    method: M,
    params: NoInfer<ParamsOf<C, M>>,
    options: CallOptions = {},
  ): NoInfer<StreamCall<C, M>> {
    const call = this.#start(method, params, options, 'stream');
    // Stream users often only iterate; the failure reaches them through the stream, so an
    // un-awaited result must not become an unhandled rejection.
    call.result.catch(() => {});
    return call as unknown as StreamCall<C, M>;
  }

  /** Sends a notification; false (not thrown) when the link is down, so periodic senders need no try/catch. */
  notify<M extends SentNotifications<C, S>>(method: M, params: NoInfer<ParamsOf<C, M>>): boolean {
    return this.#sendJson({ type: 'notification', method, params });
  }

  /** Registers the handler for one method this side answers (replacing any earlier one). */
  handle<M extends HandledMethods<C, S>>(method: M, handler: NoInfer<Handler<C, S, M>>): this {
    this.#handlers.set(method, handler as unknown as AnyHandler);
    return this;
  }

  /** Registers many handlers at once; type the object as `Handlers<…>` to have full coverage checked. */
  handleAll(handlers: Partial<Handlers<C, S>>): this {
    for (const [method, handler] of Object.entries(handlers)) {
      if (handler) this.#handlers.set(method, handler as AnyHandler);
    }
    return this;
  }

  /** Listens to a notification from the other side; returns the unsubscribe function. */
  onNotification<M extends ReceivedNotifications<C, S>>(
    method: M,
    listener: NoInfer<NotificationListener<C, M>>,
  ): () => void {
    let set = this.#listeners.get(method);
    if (!set) {
      set = new Set();
      this.#listeners.set(method, set);
    }
    const added = listener as AnyListener;
    set.add(added);
    return () => set.delete(added);
  }

  /** Called once when the link closes, with the AGENT_DISCONNECTED error everything pending failed with. */
  onClose(listener: (error: RpcError) => void): () => void {
    if (this.#closedWith) {
      listener(this.#closedWith);
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Closes the transport and fails everything pending right away (does not wait for the close event). */
  close(code = 1000, reason = 'closed'): void {
    if (this.#closedWith) return;
    try {
      this.#transport.close(code, reason);
    } catch {
      // Already closed underneath: nothing to do, the teardown below is what matters.
    }
    this.transportClosed(code, reason);
  }

  /** Feed the transport's close event here: every pending request and stream fails with AGENT_DISCONNECTED. */
  transportClosed(code?: number, reason?: string): void {
    if (this.#closedWith) return;
    const detail = code === undefined ? '' : ` (${code}${reason ? `: ${reason}` : ''})`;
    const error = new RpcError(RpcErrorCode.AGENT_DISCONNECTED, `link closed${detail}`);
    this.#closedWith = error;
    for (const call of [...this.#pending.values()]) this.#settle(call, error);
    for (const call of [...this.#incoming.values()]) this.#abortIncoming(call, error);
    for (const listener of this.#closeListeners) {
      try {
        listener(error);
      } catch (thrown) {
        this.#logger.warn({ error: String(thrown) }, 'close listener failed');
      }
    }
    this.#closeListeners.clear();
  }

  /**
   * Feed every incoming frame here: a string (JSON text), binary (ArrayBuffer/Uint8Array/Buffer),
   * or an object already parsed by the server framework (Elysia parses JSON messages).
   * Never throws: bad frames are answered with an error when they carry a request id, else logged.
   */
  receive(message: unknown): void {
    if (this.#closedWith) return;
    this.stats.framesIn++;
    if (this.#oversized(message)) {
      this.#logger.warn(
        { limit: this.#maxFrameBytes },
        'incoming frame over the size limit; closing the link',
      );
      this.close(1009, `frame over ${this.#maxFrameBytes} bytes`);
      return;
    }
    try {
      this.#receive(message);
    } catch (error) {
      // A bug here must not take the socket's message loop down with it.
      this.#logger.warn({ error: String(error) }, 'frame handling failed');
    }
  }

  /** Calls in flight: `outgoing` awaiting an answer here, `incoming` being handled here. */
  get inFlight(): { outgoing: number; incoming: number } {
    return { outgoing: this.#pending.size, incoming: this.#incoming.size };
  }

  #receive(message: unknown): void {
    if (typeof message === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        this.#malformed('invalid JSON', message.slice(0, 200));
        return;
      }
      this.#dispatch(parsed);
    } else if (message instanceof ArrayBuffer) {
      this.#streams.onBinary(new Uint8Array(message));
    } else if (ArrayBuffer.isView(message)) {
      this.#streams.onBinary(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    } else {
      this.#dispatch(message);
    }
  }

  #start(method: string, params: unknown, options: CallOptions, kind: AnyCallDef['kind']) {
    const def = this.#catalog[method];
    if (!def || def.kind !== kind || !this.#calledHere(def)) {
      throw new TypeError(`${method} is not a ${kind} method callable by the ${this.side}`);
    }
    const id = `${this.#idPrefix}${(++this.#nextId).toString(36)}`;
    const { promise: result, resolve, reject } = Promise.withResolvers<unknown>();
    const call: OutgoingCall = {
      id,
      def,
      resolve,
      reject,
      timer: undefined,
      detachSignal: undefined,
      incoming: undefined,
      outgoing: undefined,
    };
    if (def.kind === 'stream') {
      if (def.toCaller) {
        call.incoming = this.#streams.reader(id, def, () =>
          this.#cancelOutgoing(call, new RpcError(RpcErrorCode.CANCELLED, 'stream abandoned')),
        );
      }
      if (def.toHandler) call.outgoing = this.#streams.writer(id, def.toHandler);
    }
    const handle = {
      id,
      result,
      cancel: () => this.#cancelOutgoing(call, new RpcError(RpcErrorCode.CANCELLED, 'cancelled by caller')),
      incoming: call.incoming,
      outgoing: call.outgoing,
    };
    if (this.#closedWith) {
      this.#settle(call, this.#closedWith);
      return handle;
    }
    const { signal } = options;
    if (signal?.aborted) {
      this.#settle(call, new RpcError(RpcErrorCode.CANCELLED, 'aborted before sending'));
      return handle;
    }
    this.#pending.set(id, call);
    const timeoutMs = options.timeoutMs ?? (kind === 'request' ? this.#requestTimeoutMs : 0);
    const frame: RequestFrame = { type: 'request', id, method, params };
    if (timeoutMs > 0) frame.timeoutMs = timeoutMs;
    if (!this.#sendJson(frame)) return handle; // the link died while sending: already settled
    if (call.incoming) this.#sendJson(creditFrame(id, call.incoming.window));
    if (timeoutMs > 0) {
      call.timer = setTimeout(
        () =>
          this.#cancelOutgoing(
            call,
            new RpcError(RpcErrorCode.TIMEOUT, `${method} timed out after ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
    }
    if (signal) {
      const onAbort = () =>
        this.#cancelOutgoing(call, new RpcError(RpcErrorCode.CANCELLED, 'aborted by caller'));
      signal.addEventListener('abort', onAbort, { once: true });
      call.detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
    return handle;
  }

  // Caller gives up (abort, timeout, abandoned stream): fail locally now, tell the handler to stop.
  #cancelOutgoing(call: OutgoingCall, error: RpcError): void {
    if (this.#pending.get(call.id) !== call) return;
    this.#settle(call, error);
    this.#sendJson({ type: 'notification', method: CANCEL_METHOD, params: { id: call.id } });
  }

  #settle(call: OutgoingCall, outcome: RpcError | { result: unknown }): void {
    if (this.#pending.get(call.id) === call) this.#pending.delete(call.id);
    if (call.timer) clearTimeout(call.timer);
    call.detachSignal?.();
    if (outcome instanceof RpcError) {
      call.incoming?.fail(outcome);
      call.outgoing?.close(outcome);
      call.reject(outcome);
    } else {
      call.incoming?.end();
      call.outgoing?.close(new RpcError(RpcErrorCode.CANCELLED, 'call already completed'));
      call.resolve(outcome.result);
    }
  }

  #dispatch(frame: unknown): void {
    const type = typeof frame === 'object' && frame !== null ? (frame as { type?: unknown }).type : undefined;
    switch (type) {
      case 'request':
        if (matches(RequestFrame, frame)) {
          this.#onRequest(frame as RequestFrame);
          return;
        }
        break;
      case 'response':
        if (matches(ResponseFrame, frame)) {
          this.#onResponse(frame as ResponseFrame);
          return;
        }
        break;
      case 'notification':
        if (matches(NotificationFrame, frame)) {
          this.#onNotification(frame as NotificationFrame);
          return;
        }
        break;
      case 'stream':
        if (matches(StreamFrame, frame)) {
          this.#streams.onStreamFrame(frame as StreamFrame);
          return;
        }
        break;
    }
    // A broken request that still has a usable id gets an answer, so its caller fails fast.
    const id = (frame as { id?: unknown } | null)?.id;
    if (type === 'request' && typeof id === 'string' && id.length > 0 && id.length <= 128) {
      this.#respondError(id, new RpcError(RpcErrorCode.INVALID_REQUEST, 'malformed request frame'));
    }
    this.#malformed('bad envelope', frame);
  }

  #onRequest(frame: RequestFrame): void {
    const { id, method } = frame;
    if (this.#incoming.has(id)) {
      // Answering would settle the original call with a bogus error: drop the duplicate.
      this.#malformed('duplicate request id', { id, method });
      return;
    }
    const def = Object.hasOwn(this.#catalog, method) ? this.#catalog[method] : undefined;
    if (!def || def.kind === 'notification' || !this.#handledHere(def)) {
      this.#respondError(
        id,
        new RpcError(RpcErrorCode.METHOD_NOT_FOUND, `no method ${method} on the ${this.side}`),
      );
      return;
    }
    const handler = this.#handlers.get(method);
    if (!handler) {
      this.#respondError(
        id,
        new RpcError(RpcErrorCode.NOT_SUPPORTED, `${method} is not implemented by this ${this.side}`),
      );
      return;
    }
    if (!matches(def.params, frame.params)) {
      this.#respondError(
        id,
        new RpcError(RpcErrorCode.INVALID_PARAMS, `invalid params for ${method}`, {
          errors: issuesOf(def.params, frame.params),
        }),
      );
      return;
    }
    const call: IncomingCall = {
      id,
      def,
      controller: undefined,
      abortedWith: undefined,
      timer: undefined,
      incoming: undefined,
      outgoing: undefined,
    };
    if (def.kind === 'stream') {
      if (def.toHandler) call.incoming = this.#streams.reader(id, def, () => {});
      if (def.toCaller) call.outgoing = this.#streams.writer(id, def.toCaller);
    }
    this.#incoming.set(id, call);
    if (frame.timeoutMs) {
      const timeoutMs = frame.timeoutMs;
      call.timer = setTimeout(() => {
        const error = new RpcError(RpcErrorCode.TIMEOUT, `${method} timed out after ${timeoutMs} ms`);
        this.#abortIncoming(call, error);
        this.#respondError(id, error);
      }, timeoutMs);
    }
    if (call.incoming) this.#sendJson(creditFrame(id, call.incoming.window));
    const ctx = {
      id,
      method,
      get signal(): AbortSignal {
        if (!call.controller) {
          call.controller = new AbortController();
          if (call.abortedWith) call.controller.abort(call.abortedWith);
        }
        return call.controller.signal;
      },
      peer: this,
      incoming: call.incoming,
      outgoing: call.outgoing,
    };
    void this.#run(call, handler, frame.params, ctx);
  }

  async #run(call: IncomingCall, handler: AnyHandler, params: unknown, ctx: object): Promise<void> {
    let outcome: RpcError | { result: unknown };
    try {
      outcome = { result: await handler(params, ctx as never) };
    } catch (error) {
      outcome = RpcError.from(error);
    }
    // Cancelled, timed out or disconnected meanwhile: the caller is gone, nothing to answer.
    if (this.#incoming.get(call.id) !== call) return;
    this.#incoming.delete(call.id);
    if (call.timer) clearTimeout(call.timer);
    if (outcome instanceof RpcError) {
      call.outgoing?.close(outcome);
      call.incoming?.fail(outcome);
      this.#respondError(call.id, outcome);
    } else {
      // End the handler's stream before answering, so the caller sees all data, then the end, then the result.
      call.outgoing?.end();
      call.incoming?.fail(new RpcError(RpcErrorCode.CANCELLED, 'handler already completed'));
      this.#sendJson({ type: 'response', id: call.id, result: outcome.result ?? null });
    }
  }

  #abortIncoming(call: IncomingCall, error: RpcError): void {
    if (this.#incoming.get(call.id) === call) this.#incoming.delete(call.id);
    if (call.timer) clearTimeout(call.timer);
    call.incoming?.fail(error);
    call.outgoing?.close(error);
    call.abortedWith ??= error;
    call.controller?.abort(error);
  }

  #onResponse(frame: ResponseFrame): void {
    const call = this.#pending.get(frame.id);
    if (!call) {
      // Normal after a timeout or cancel: the answer crossed our $/cancel on the wire.
      this.#logger.debug?.({ id: frame.id }, 'response for unknown or settled request');
      return;
    }
    if (frame.error) {
      this.#settle(call, RpcError.fromWire(frame.error as RpcWireError));
      return;
    }
    const result = frame.result ?? null;
    if (!matches(call.def.result, result)) {
      this.#settle(
        call,
        new RpcError(RpcErrorCode.INVALID_RESULT, 'result does not match the method schema', {
          errors: issuesOf(call.def.result, result),
        }),
      );
      return;
    }
    this.#settle(call, { result });
  }

  #onNotification(frame: NotificationFrame): void {
    const { method, params } = frame;
    if (method === CANCEL_METHOD) {
      if (!matches(CancelParams, params)) {
        this.#malformed('bad $/cancel', params);
        return;
      }
      const call = this.#incoming.get((params as { id: string }).id);
      if (call) this.#abortIncoming(call, new RpcError(RpcErrorCode.CANCELLED, 'cancelled by caller'));
      return;
    }
    if (method === CREDIT_METHOD) {
      if (!matches(CreditParams, params)) {
        this.#malformed('bad $/stream.credit', params);
        return;
      }
      const { id, credits } = params as { id: string; credits: number };
      (this.#pending.get(id)?.outgoing ?? this.#incoming.get(id)?.outgoing)?.grant(credits);
      return;
    }
    const def = Object.hasOwn(this.#catalog, method) ? this.#catalog[method] : undefined;
    if (def?.kind !== 'notification' || def.from === this.side) {
      this.#malformed('unknown notification', { method });
      return;
    }
    if (!matches(def.params, params)) {
      this.#malformed('invalid notification params', { method, errors: issuesOf(def.params, params) });
      return;
    }
    const listeners = this.#listeners.get(method);
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        const pending = listener(params);
        if (pending instanceof Promise) pending.catch((error) => this.#listenerFailed(method, error));
      } catch (error) {
        this.#listenerFailed(method, error);
      }
    }
  }

  #readerFor(id: string): StreamTarget | undefined {
    const outgoing = this.#pending.get(id);
    if (outgoing?.incoming && outgoing.def.kind === 'stream' && outgoing.def.toCaller) {
      return { reader: outgoing.incoming, schema: outgoing.def.toCaller, callerSide: true };
    }
    const incoming = this.#incoming.get(id);
    if (incoming?.incoming && incoming.def.kind === 'stream' && incoming.def.toHandler) {
      return { reader: incoming.incoming, schema: incoming.def.toHandler, callerSide: false };
    }
    return undefined;
  }

  // A bad chunk from the handler fails the whole call; from the caller, only the handler's reader.
  #failStream(id: string, callerSide: boolean, error: RpcError): void {
    const outgoing = this.#pending.get(id);
    if (callerSide && outgoing) {
      this.#cancelOutgoing(outgoing, error);
      return;
    }
    this.#incoming.get(id)?.incoming?.fail(error);
  }

  #respondError(id: string, error: RpcError): void {
    this.#sendJson({ type: 'response', id, error: error.toWire() });
  }

  #calledHere(def: MethodDef): boolean {
    return def.from === this.side || def.from === 'either';
  }

  #handledHere(def: MethodDef): boolean {
    return def.from !== this.side;
  }

  #sendJson(frame: object): boolean {
    return this.#sendRaw(JSON.stringify(frame));
  }

  #sendRaw(data: string | Uint8Array<ArrayBuffer>): boolean {
    if (this.#closedWith) return false;
    if (this.#oversized(data)) {
      this.#logger.warn(
        { limit: this.#maxFrameBytes },
        'outgoing frame over the size limit; closing the link',
      );
      this.close(1009, `frame over ${this.#maxFrameBytes} bytes`);
      return false;
    }
    try {
      this.#transport.send(data);
      this.stats.framesOut++;
      return true;
    } catch (error) {
      // A transport that throws on send is gone; fail everything now rather than wait for its close event.
      this.#logger.warn({ error: String(error) }, 'transport send failed; closing the link');
      this.transportClosed();
      return false;
    }
  }

  // UTF-8 takes at most 3 bytes per UTF-16 unit, so most text needs no byte count at all.
  #oversized(frame: unknown): boolean {
    if (typeof frame === 'string')
      return frame.length * 3 > this.#maxFrameBytes && utf8Length(frame) > this.#maxFrameBytes;
    if (frame instanceof ArrayBuffer || ArrayBuffer.isView(frame))
      return frame.byteLength > this.#maxFrameBytes;
    return false;
  }

  #malformed(reason: string, detail: unknown): void {
    this.stats.malformed++;
    this.#logger.warn({ detail }, `dropped frame: ${reason}`);
  }

  #listenerFailed(method: string, error: unknown): void {
    this.#logger.warn({ method, error: String(error) }, 'notification listener failed');
  }
}
