/** Small helpers shared by the worker-side wrappers: strings, out-params, error capture. */
import { CString, type Pointer, read } from 'bun:ffi';
import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.ts';
import { freeAddress, libc, sym } from '../symbols.ts';

/** A NUL-terminated UTF-8 copy of `s` to pass as `const char *`. */
export function cstr(s: string): Buffer {
  return Buffer.from(`${s}\0`, 'utf8');
}

/** The error libvirt recorded for this thread's last failed call, as a LibvirtError. */
export function lastError(what: string): LibvirtError {
  const raw = sym('virGetLastError')();
  const err = (typeof raw === 'bigint' ? Number(raw) : raw) as Pointer | null;
  if (!err) return new LibvirtError(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE, `${what} failed`);
  const msg = read.ptr(err, 8);
  const message = msg ? new CString(msg as Pointer).toString() : `${what} failed`;
  const e = new LibvirtError(read.i32(err, 0), read.i32(err, 4), message);
  sym('virResetLastError')();
  return e;
}

/** What a `ptr`-returning symbol gives back (Bun types allow a bigint for addresses ≥ 2^53). */
export type RawPointer = Pointer | bigint | null;

/** Throws the last error when a pointer-returning call returned NULL. */
export function check(p: RawPointer, what: string): Pointer {
  if (!p) throw lastError(what);
  return (typeof p === 'bigint' ? Number(p) : p) as Pointer;
}

/** Throws the last error when an int-returning call returned -1 (or any negative number). */
export function checkInt(rc: number, what: string): number {
  if (rc < 0) throw lastError(what);
  return rc;
}

/** Reads a `char *` that libvirt allocated for us, then frees it. */
export function takeString(raw: RawPointer, what: string): string {
  const p = check(raw, what);
  const s = new CString(p).toString();
  libc.free(p);
  return s;
}

/** Reads a VIR_UUID_STRING_BUFLEN (37) out-buffer filled by a *GetUUIDString call. */
export function uuidOf(fn: (obj: Pointer, buf: Buffer) => number, obj: Pointer, what: string): string {
  const buf = Buffer.alloc(37);
  checkInt(fn(obj, buf), what);
  return buf.toString('latin1', 0, 36);
}

/** Calls a virXListAll*-style function and returns the object pointers, freeing the C array. */
export function listAll(call: (out: BigUint64Array) => number, what: string): Pointer[] {
  const out = new BigUint64Array(1);
  const n = checkInt(call(out), what);
  const arr = Number(out[0]) as Pointer;
  const items: Pointer[] = [];
  for (let i = 0; i < n; i++) items.push(read.ptr(arr, i * 8) as Pointer);
  if (arr) libc.free(arr);
  return items;
}

/** Runs `fn` with `p`, always releasing it afterwards with `free` (virDomainFree, …). */
export function using<R>(p: Pointer, free: (p: Pointer) => number, fn: (p: Pointer) => R): R {
  try {
    return fn(p);
  } finally {
    free(p);
  }
}

/** Maps every pointer through `fn`, then frees them all even if one mapping throws. */
export function mapAndFree<R>(items: Pointer[], free: (p: Pointer) => number, fn: (p: Pointer) => R): R[] {
  try {
    return items.map(fn);
  } finally {
    for (const p of items) free(p);
  }
}

let silenced = false;

/**
 * Stops libvirt printing every error to stderr. The handler is libc's free(): called as
 * handler(NULL, err) it is a no-op, and unlike a JSCallback it is safe from any libvirt thread and
 * outlives every Worker (the handler is process-wide, the Workers are not).
 */
export function silenceErrors(): void {
  if (silenced) return;
  sym('virSetErrorFunc')(null, freeAddress());
  silenced = true;
}
