import type { Static, TSchema } from '@sinclair/typebox';
import type { RpcStreamReader, RpcStreamWriter } from './stream.ts';

/** The two ends of the agent link. */
export type Side = 'appliance' | 'agent';
/** Who may call a method: one side, or both (e.g. `ping`). */
export type Caller = Side | 'either';
/** The end opposite to `S`. */
export type OtherSide<S extends Side> = S extends 'appliance' ? 'agent' : 'appliance';

/** A plain request: `from` calls, the other side handles and answers once. */
export interface RequestDef<
  F extends Caller = Caller,
  P extends TSchema = TSchema,
  R extends TSchema = TSchema,
> {
  kind: 'request';
  from: F;
  params: P;
  result: R;
  summary: string;
}

/**
 * A request with a stream attached: chunks flow caller→handler (`toHandler`, e.g. an upload),
 * handler→caller (`toCaller`, e.g. a download) or both (a console). `null` means no stream that way.
 * A `Type.Uint8Array()` chunk schema means raw bytes, sent as binary frames.
 */
export interface StreamDef<
  F extends Caller = Caller,
  P extends TSchema = TSchema,
  R extends TSchema = TSchema,
  U extends TSchema | null = TSchema | null,
  D extends TSchema | null = TSchema | null,
> {
  kind: 'stream';
  from: F;
  params: P;
  result: R;
  toHandler: U;
  toCaller: D;
  /** Caps the chunks in flight per direction below the peer's streamWindow (bulk data wants few). */
  window?: number;
  summary: string;
}

/** A notification: `from` sends it, nobody answers. */
export interface NotificationDef<F extends Side = Side, P extends TSchema = TSchema> {
  kind: 'notification';
  from: F;
  params: P;
  summary: string;
}

/** Any catalog entry. */
export type MethodDef = RequestDef | StreamDef | NotificationDef;
/** A method catalog: method name → definition. */
export type MethodCatalog = Record<string, MethodDef>;

/** Declares a plain request method (keeps the literal `from` for typing). */
export function request<F extends Caller, P extends TSchema, R extends TSchema>(def: {
  from: F;
  params: P;
  result: R;
  summary: string;
}): RequestDef<F, P, R> {
  return { kind: 'request', ...def };
}

/** Declares a stream method; omit `toHandler`/`toCaller` for no stream in that direction. */
export function stream<
  F extends Caller,
  P extends TSchema,
  R extends TSchema,
  U extends TSchema | null = null,
  D extends TSchema | null = null,
>(def: {
  from: F;
  params: P;
  result: R;
  toHandler?: U;
  toCaller?: D;
  window?: number;
  summary: string;
}): StreamDef<F, P, R, U, D> {
  return {
    kind: 'stream',
    from: def.from,
    params: def.params,
    result: def.result,
    toHandler: (def.toHandler ?? null) as U,
    toCaller: (def.toCaller ?? null) as D,
    ...(def.window !== undefined && { window: def.window }),
    summary: def.summary,
  };
}

/** Declares a notification method. */
export function notification<F extends Side, P extends TSchema>(def: {
  from: F;
  params: P;
  summary: string;
}): NotificationDef<F, P> {
  return { kind: 'notification', ...def };
}

type CalledBy<F, S extends Side> = F extends S | 'either' ? true : false;

/** Request methods side `S` may call with `peer.request`. */
export type RequestMethods<C extends MethodCatalog, S extends Side> = {
  [K in keyof C]: C[K] extends RequestDef<infer F> ? (CalledBy<F, S> extends true ? K : never) : never;
}[keyof C] &
  string;

/** Stream methods side `S` may open with `peer.openStream`. */
export type StreamMethods<C extends MethodCatalog, S extends Side> = {
  [K in keyof C]: C[K] extends StreamDef<infer F> ? (CalledBy<F, S> extends true ? K : never) : never;
}[keyof C] &
  string;

/** Request and stream methods side `S` answers (registers handlers for). */
export type HandledMethods<C extends MethodCatalog, S extends Side> = {
  [K in keyof C]: C[K] extends RequestDef<infer F> | StreamDef<infer F>
    ? CalledBy<F, OtherSide<S>> extends true
      ? K
      : never
    : never;
}[keyof C] &
  string;

/** Notifications side `S` sends. */
export type SentNotifications<C extends MethodCatalog, S extends Side> = {
  [K in keyof C]: C[K] extends NotificationDef<infer F> ? (F extends S ? K : never) : never;
}[keyof C] &
  string;

/** Notifications side `S` receives. */
export type ReceivedNotifications<C extends MethodCatalog, S extends Side> = SentNotifications<
  C,
  OtherSide<S>
>;

/** Static params type of method `M`. */
export type ParamsOf<C extends MethodCatalog, M extends keyof C> = Static<C[M]['params']>;
/** Static result type of request/stream method `M`. */
export type ResultOf<C extends MethodCatalog, M extends keyof C> = C[M] extends {
  result: infer R extends TSchema;
}
  ? Static<R>
  : never;

type ChunkOf<T> = T extends TSchema ? Static<T> : never;

/** Stream ends the handler gets: `incoming` for caller→handler data, `outgoing` for handler→caller. */
export type HandlerStreams<D> = D extends StreamDef
  ? (D['toHandler'] extends TSchema ? { incoming: RpcStreamReader<ChunkOf<D['toHandler']>> } : unknown) &
      (D['toCaller'] extends TSchema ? { outgoing: RpcStreamWriter<ChunkOf<D['toCaller']>> } : unknown)
  : unknown;

/** Stream ends the caller gets: `outgoing` for caller→handler data, `incoming` for handler→caller. */
export type CallerStreams<D> = D extends StreamDef
  ? (D['toHandler'] extends TSchema ? { outgoing: RpcStreamWriter<ChunkOf<D['toHandler']>> } : unknown) &
      (D['toCaller'] extends TSchema ? { incoming: RpcStreamReader<ChunkOf<D['toCaller']>> } : unknown)
  : unknown;

/** A listener for received notification `M`. */
export type NotificationListener<C extends MethodCatalog, M extends keyof C> = (
  params: ParamsOf<C, M>,
) => void | Promise<void>;

/** What `peer.openStream` returns: the final result plus the stream ends the method declares. */
export type StreamCall<C extends MethodCatalog, M extends keyof C> = {
  /** Request id. */
  id: string;
  /** Settles when the handler answers; rejects with RpcError (also fails the streams). */
  result: Promise<ResultOf<C, M>>;
  /** Cancels the call: the remote handler's signal aborts, everything here fails with CANCELLED. */
  cancel(): void;
} & CallerStreams<C[M]>;
