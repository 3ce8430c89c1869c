/** Closed list of RPC error codes carried on the agent link; anything else from the wire maps to INTERNAL. */
export const RpcErrorCode = {
  /** The method is not in the catalog, or not callable in this direction. */
  METHOD_NOT_FOUND: 'METHOD_NOT_FOUND',
  /** The method is known, but this peer registered no handler for it (version skew, partial agent). */
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  /** The frame itself is malformed (bad envelope, duplicate id, stream credit overrun). */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** Params failed the method's schema; `data.errors` lists the offending paths. */
  INVALID_PARAMS: 'INVALID_PARAMS',
  /** The result (or a stream chunk) failed the method's schema on the caller's side. */
  INVALID_RESULT: 'INVALID_RESULT',
  /** The caller's deadline passed; the remote handler is told to stop. */
  TIMEOUT: 'TIMEOUT',
  /** The caller aborted, or the remote was told to stop. */
  CANCELLED: 'CANCELLED',
  /** The link closed while the request or stream was pending (either direction). */
  AGENT_DISCONNECTED: 'AGENT_DISCONNECTED',
  /** An unexpected failure in a handler. */
  INTERNAL: 'INTERNAL',
  /** libvirt refused; `data` carries libvirt's code/domain/message. */
  LIBVIRT_ERROR: 'LIBVIRT_ERROR',
  /** The object exists already or is in a state that forbids the operation. */
  CONFLICT: 'CONFLICT',
  /** The domain, pool, volume or snapshot does not exist on this host. */
  NOT_FOUND: 'NOT_FOUND',
  /** The peer is not allowed to do this (bad or revoked credential). */
  UNAUTHORIZED: 'UNAUTHORIZED',
} as const;

/** One of the closed list of RPC error codes. */
export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];

const knownCodes = new Set<string>(Object.values(RpcErrorCode));

/** True when `code` is one of the closed list (used to sanitise codes read from the wire). */
export function isRpcErrorCode(code: unknown): code is RpcErrorCode {
  return typeof code === 'string' && knownCodes.has(code);
}

/** The error object as it travels in a response or stream frame. */
export interface RpcWireError {
  code: string;
  message: string;
  data?: unknown;
}

/** Typed error thrown by handlers and rejected to callers; crosses the link as `{code, message, data}`. */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  readonly code: RpcErrorCode;
  readonly data: unknown;

  constructor(code: RpcErrorCode, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }

  /** The wire form; `data` is dropped when absent so frames stay small. */
  toWire(): RpcWireError {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }

  /** Rebuilds an error from the wire; an unknown code (newer peer) becomes INTERNAL, keeping the original. */
  static fromWire(wire: RpcWireError): RpcError {
    if (isRpcErrorCode(wire.code)) return new RpcError(wire.code, wire.message, wire.data);
    return new RpcError(RpcErrorCode.INTERNAL, wire.message, { remoteCode: wire.code, data: wire.data });
  }

  /** Wraps anything a handler threw: RpcErrors pass through, the rest become INTERNAL. */
  static from(error: unknown): RpcError {
    if (error instanceof RpcError) return error;
    if (error instanceof Error) return new RpcError(RpcErrorCode.INTERNAL, error.message || error.name);
    return new RpcError(RpcErrorCode.INTERNAL, String(error));
  }
}
