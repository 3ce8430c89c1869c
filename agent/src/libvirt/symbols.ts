/**
 * Every raw libvirt and libc symbol the binding uses, in one place. Only the worker threads load
 * this module: a call through these functions blocks the calling thread until libvirt returns.
 */
import { dlopen, FFIType as T, type FFIFunction, type Pointer } from 'bun:ffi';
import { ErrorCode, ErrorDomain, LibvirtError } from './errors.ts';

const LIBVIRT = 'libvirt.so.0';
const LIBC = 'libc.so.6';

// Strings passed in are NUL-terminated Buffers (see cstr()), hence `ptr` rather than `cstring`.
// `cstring` returns are `const char *` owned by libvirt; `ptr` returns of strings must be freed.
const defs = {
  // errors
  virGetLastError: { args: [], returns: T.ptr },
  virResetLastError: { args: [], returns: T.void },
  virSetErrorFunc: { args: [T.ptr, T.ptr], returns: T.void },
  // event loop
  virEventRegisterDefaultImpl: { args: [], returns: T.i32 },
  virEventRunDefaultImpl: { args: [], returns: T.i32 },
  virEventAddTimeout: { args: [T.i32, T.ptr, T.ptr, T.ptr], returns: T.i32 },
  virConnectDomainEventRegisterAny: { args: [T.ptr, T.ptr, T.i32, T.ptr, T.ptr, T.ptr], returns: T.i32 },
  virConnectDomainEventDeregisterAny: { args: [T.ptr, T.i32], returns: T.i32 },
  // connection and host
  virConnectOpen: { args: [T.ptr], returns: T.ptr },
  virConnectClose: { args: [T.ptr], returns: T.i32 },
  virConnectGetURI: { args: [T.ptr], returns: T.ptr },
  virConnectGetHostname: { args: [T.ptr], returns: T.ptr },
  virConnectGetType: { args: [T.ptr], returns: T.cstring },
  virConnectGetLibVersion: { args: [T.ptr, T.ptr], returns: T.i32 },
  virConnectGetVersion: { args: [T.ptr, T.ptr], returns: T.i32 },
  virConnectGetCapabilities: { args: [T.ptr], returns: T.ptr },
  virConnectIsAlive: { args: [T.ptr], returns: T.i32 },
  virNodeGetInfo: { args: [T.ptr, T.ptr], returns: T.i32 },
  virNodeGetFreeMemory: { args: [T.ptr], returns: T.u64_fast },
  // domains
  virConnectListAllDomains: { args: [T.ptr, T.ptr, T.u32], returns: T.i32 },
  virConnectGetAllDomainStats: { args: [T.ptr, T.u32, T.ptr, T.u32], returns: T.i32 },
  virDomainListGetStats: { args: [T.ptr, T.u32, T.ptr, T.u32], returns: T.i32 },
  virDomainStatsRecordListFree: { args: [T.ptr], returns: T.void },
  virDomainLookupByUUIDString: { args: [T.ptr, T.ptr], returns: T.ptr },
  virDomainLookupByName: { args: [T.ptr, T.ptr], returns: T.ptr },
  virDomainDefineXML: { args: [T.ptr, T.ptr], returns: T.ptr },
  virDomainDefineXMLFlags: { args: [T.ptr, T.ptr, T.u32], returns: T.ptr },
  virDomainUndefineFlags: { args: [T.ptr, T.u32], returns: T.i32 },
  virDomainCreateWithFlags: { args: [T.ptr, T.u32], returns: T.i32 },
  virDomainShutdownFlags: { args: [T.ptr, T.u32], returns: T.i32 },
  virDomainDestroyFlags: { args: [T.ptr, T.u32], returns: T.i32 },
  virDomainReboot: { args: [T.ptr, T.u32], returns: T.i32 },
  virDomainSuspend: { args: [T.ptr], returns: T.i32 },
  virDomainResume: { args: [T.ptr], returns: T.i32 },
  virDomainGetXMLDesc: { args: [T.ptr, T.u32], returns: T.ptr },
  virDomainGetInfo: { args: [T.ptr, T.ptr], returns: T.i32 },
  virDomainGetName: { args: [T.ptr], returns: T.cstring },
  virDomainGetUUIDString: { args: [T.ptr, T.ptr], returns: T.i32 },
  virDomainGetID: { args: [T.ptr], returns: T.u32 },
  virDomainIsActive: { args: [T.ptr], returns: T.i32 },
  virDomainIsPersistent: { args: [T.ptr], returns: T.i32 },
  virDomainGetAutostart: { args: [T.ptr, T.ptr], returns: T.i32 },
  virDomainSetAutostart: { args: [T.ptr, T.i32], returns: T.i32 },
  virDomainFree: { args: [T.ptr], returns: T.i32 },
  // snapshots
  virDomainSnapshotCreateXML: { args: [T.ptr, T.ptr, T.u32], returns: T.ptr },
  virDomainListAllSnapshots: { args: [T.ptr, T.ptr, T.u32], returns: T.i32 },
  virDomainSnapshotLookupByName: { args: [T.ptr, T.ptr, T.u32], returns: T.ptr },
  virDomainRevertToSnapshot: { args: [T.ptr, T.u32], returns: T.i32 },
  virDomainSnapshotDelete: { args: [T.ptr, T.u32], returns: T.i32 },
  virDomainSnapshotGetXMLDesc: { args: [T.ptr, T.u32], returns: T.ptr },
  virDomainSnapshotGetName: { args: [T.ptr], returns: T.cstring },
  virDomainSnapshotIsCurrent: { args: [T.ptr, T.u32], returns: T.i32 },
  virDomainSnapshotFree: { args: [T.ptr], returns: T.i32 },
  // storage pools
  virConnectListAllStoragePools: { args: [T.ptr, T.ptr, T.u32], returns: T.i32 },
  virStoragePoolDefineXML: { args: [T.ptr, T.ptr, T.u32], returns: T.ptr },
  virStoragePoolBuild: { args: [T.ptr, T.u32], returns: T.i32 },
  virStoragePoolCreate: { args: [T.ptr, T.u32], returns: T.i32 },
  virStoragePoolRefresh: { args: [T.ptr, T.u32], returns: T.i32 },
  virStoragePoolDestroy: { args: [T.ptr], returns: T.i32 },
  virStoragePoolDelete: { args: [T.ptr, T.u32], returns: T.i32 },
  virStoragePoolUndefine: { args: [T.ptr], returns: T.i32 },
  virStoragePoolGetInfo: { args: [T.ptr, T.ptr], returns: T.i32 },
  virStoragePoolLookupByName: { args: [T.ptr, T.ptr], returns: T.ptr },
  virStoragePoolLookupByUUIDString: { args: [T.ptr, T.ptr], returns: T.ptr },
  virStoragePoolLookupByVolume: { args: [T.ptr], returns: T.ptr },
  virStoragePoolGetXMLDesc: { args: [T.ptr, T.u32], returns: T.ptr },
  virStoragePoolGetName: { args: [T.ptr], returns: T.cstring },
  virStoragePoolGetUUIDString: { args: [T.ptr, T.ptr], returns: T.i32 },
  virStoragePoolGetAutostart: { args: [T.ptr, T.ptr], returns: T.i32 },
  virStoragePoolSetAutostart: { args: [T.ptr, T.i32], returns: T.i32 },
  virStoragePoolIsPersistent: { args: [T.ptr], returns: T.i32 },
  virStoragePoolFree: { args: [T.ptr], returns: T.i32 },
  // storage volumes
  virStoragePoolListAllVolumes: { args: [T.ptr, T.ptr, T.u32], returns: T.i32 },
  virStorageVolCreateXML: { args: [T.ptr, T.ptr, T.u32], returns: T.ptr },
  virStorageVolCreateXMLFrom: { args: [T.ptr, T.ptr, T.ptr, T.u32], returns: T.ptr },
  virStorageVolDelete: { args: [T.ptr, T.u32], returns: T.i32 },
  virStorageVolResize: { args: [T.ptr, T.u64, T.u32], returns: T.i32 },
  virStorageVolGetInfo: { args: [T.ptr, T.ptr], returns: T.i32 },
  virStorageVolGetPath: { args: [T.ptr], returns: T.ptr },
  virStorageVolGetKey: { args: [T.ptr], returns: T.cstring },
  virStorageVolGetName: { args: [T.ptr], returns: T.cstring },
  virStorageVolGetXMLDesc: { args: [T.ptr, T.u32], returns: T.ptr },
  virStorageVolLookupByName: { args: [T.ptr, T.ptr], returns: T.ptr },
  virStorageVolLookupByPath: { args: [T.ptr, T.ptr], returns: T.ptr },
  virStorageVolLookupByKey: { args: [T.ptr, T.ptr], returns: T.ptr },
  virStorageVolFree: { args: [T.ptr], returns: T.i32 },
  // streams
  virStreamNew: { args: [T.ptr, T.u32], returns: T.ptr },
  virStorageVolUpload: { args: [T.ptr, T.ptr, T.u64, T.u64, T.u32], returns: T.i32 },
  virStorageVolDownload: { args: [T.ptr, T.ptr, T.u64, T.u64, T.u32], returns: T.i32 },
  virStreamSend: { args: [T.ptr, T.ptr, T.u64], returns: T.i32 },
  virStreamRecv: { args: [T.ptr, T.ptr, T.u64], returns: T.i32 },
  virStreamFinish: { args: [T.ptr], returns: T.i32 },
  virStreamAbort: { args: [T.ptr], returns: T.i32 },
  virStreamFree: { args: [T.ptr], returns: T.i32 },
} as const satisfies Record<string, FFIFunction>;

type Defs = typeof defs;
/** The name of a libvirt function known to the binding. */
export type SymbolName = keyof Defs;
/** Every libvirt function the binding may call. */
export const SYMBOL_NAMES = Object.keys(defs) as SymbolName[];
type Symbols = ReturnType<typeof dlopen<Defs>>['symbols'];

/**
 * Resolves `wanted` from `path`, leaving out what the installed library lacks: dlopen() rejects the
 * whole table when one symbol is missing, so on failure each symbol is retried on its own.
 */
export function resolveSymbols<D extends Record<string, FFIFunction>>(
  path: string,
  wanted: D,
): Partial<ReturnType<typeof dlopen<D>>['symbols']> {
  try {
    return dlopen(path, wanted).symbols;
  } catch {
    const out: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(wanted)) {
      try {
        out[name] = dlopen(path, { [name]: def }).symbols[name];
      } catch {
        // absent from this libvirt: sym() reports it when (and only if) it is called
      }
    }
    return out as Partial<ReturnType<typeof dlopen<D>>['symbols']>;
  }
}

/** A resolved symbol table whose lookups fail softly for symbols the library lacks. */
export interface SymbolTable<D extends Record<string, FFIFunction>> {
  /** The function; throws a NO_SUPPORT LibvirtError if the library does not export it. */
  get<K extends keyof D & string>(name: K): ReturnType<typeof dlopen<D>>['symbols'][K];
  /** Whether the library exports `name`. */
  has(name: keyof D & string): boolean;
}

/** Resolves `wanted` from `path` once, on first use. */
export function symbolTable<D extends Record<string, FFIFunction>>(path: string, wanted: D): SymbolTable<D> {
  let resolved: Partial<ReturnType<typeof dlopen<D>>['symbols']> | undefined;
  const all = () => {
    resolved ??= resolveSymbols(path, wanted);
    return resolved;
  };
  return {
    get(name) {
      const fn = all()[name];
      if (!fn) {
        throw new LibvirtError(
          ErrorCode.NO_SUPPORT,
          ErrorDomain.NONE,
          `${name} is not supported by the installed ${path}`,
        );
      }
      return fn as ReturnType<typeof dlopen<D>>['symbols'][typeof name];
    },
    has(name) {
      return all()[name] !== undefined;
    },
  };
}

const libvirt = symbolTable(LIBVIRT, defs);

/** The raw libvirt function `name`; throws a NO_SUPPORT LibvirtError if this libvirt lacks it. */
export function sym<K extends SymbolName>(name: K): Symbols[K] {
  return libvirt.get(name);
}

/** Whether the installed libvirt exports `name`. */
export function hasSymbol(name: SymbolName): boolean {
  return libvirt.has(name);
}

/** libc, for freeing what libvirt allocates (`char *` results and object arrays). */
export const libc = dlopen(LIBC, {
  free: { args: [T.ptr], returns: T.void },
}).symbols;

/** Address of libc's free(): used as libvirt's error handler, see silenceErrors(). */
export function freeAddress(): Pointer {
  return (libc.free as unknown as { ptr: Pointer }).ptr;
}
