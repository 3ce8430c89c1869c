/** libvirt's error numbers (virErrorNumber) that callers are expected to branch on. */
export const ErrorCode = {
  OK: 0,
  INTERNAL_ERROR: 1,
  NO_MEMORY: 2,
  NO_SUPPORT: 3,
  NO_CONNECT: 5,
  INVALID_CONN: 6,
  INVALID_DOMAIN: 7,
  INVALID_ARG: 8,
  OPERATION_FAILED: 9,
  XML_ERROR: 27,
  XML_DETAIL: 35,
  DOM_EXIST: 28,
  OPERATION_DENIED: 29,
  OPEN_FAILED: 30,
  SYSTEM_ERROR: 38,
  RPC: 39,
  NO_DOMAIN: 42,
  AUTH_FAILED: 45,
  INVALID_STORAGE_POOL: 46,
  INVALID_STORAGE_VOL: 47,
  NO_STORAGE_POOL: 49,
  NO_STORAGE_VOL: 50,
  OPERATION_INVALID: 55,
  CONFIG_UNSUPPORTED: 67,
  OPERATION_TIMEOUT: 68,
  INVALID_DOMAIN_SNAPSHOT: 71,
  NO_DOMAIN_SNAPSHOT: 72,
  INVALID_STREAM: 73,
  ARGUMENT_UNSUPPORTED: 74,
  STORAGE_POOL_BUILT: 76,
  OPERATION_ABORTED: 78,
  OPERATION_UNSUPPORTED: 84,
  RESOURCE_BUSY: 87,
  ACCESS_DENIED: 88,
  STORAGE_VOL_EXIST: 90,
} as const;

/** libvirt's error domains (virErrorDomain): which part of libvirt raised the error. */
export const ErrorDomain = {
  NONE: 0,
  RPC: 7,
  QEMU: 10,
  TEST: 12,
  REMOTE: 13,
  STORAGE: 18,
  DOMAIN: 20,
  DOMAIN_SNAPSHOT: 35,
  STREAMS: 38,
} as const;

/** The plain form of a LibvirtError, as it crosses from a worker to the main thread. */
export interface LibvirtErrorData {
  code: number;
  domain: number;
  message: string;
}

/**
 * A failed libvirt call: `code` and `domain` as libvirt numbers them (see ErrorCode,
 * ErrorDomain) and libvirt's own message. https://libvirt.org/html/libvirt-virterror.html
 */
export class LibvirtError extends Error implements LibvirtErrorData {
  override readonly name = 'LibvirtError';

  constructor(
    readonly code: number,
    readonly domain: number,
    message: string,
  ) {
    super(message);
  }

  /** Rebuilds an error sent over postMessage (class identity does not survive the trip). */
  static from(data: LibvirtErrorData): LibvirtError {
    return new LibvirtError(data.code, data.domain, data.message);
  }

  /** The plain, structured-cloneable form. */
  toJSON(): LibvirtErrorData {
    return { code: this.code, domain: this.domain, message: this.message };
  }
}

/** What a worker reports for anything a call threw: a LibvirtError as is, anything else as INTERNAL_ERROR. */
export function errorDataOf(err: unknown): LibvirtErrorData {
  if (err instanceof LibvirtError) return err.toJSON();
  return {
    code: ErrorCode.INTERNAL_ERROR,
    domain: ErrorDomain.NONE,
    message: err instanceof Error ? err.message : String(err),
  };
}

/** Whether `err` is a LibvirtError with the given code. */
export function isLibvirtError(err: unknown, code?: number): err is LibvirtError {
  return err instanceof LibvirtError && (code === undefined || err.code === code);
}
