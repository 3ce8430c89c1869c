/** Worker-side domain calls. Domains are looked up by UUID for each call and freed after it. */
import { CString, type Pointer, read } from 'bun:ffi';
import { domainStateName, StatsTypes } from '../constants.ts';
import { sym } from '../symbols.ts';
import type { DomainInfo, DomainRef, DomainStats, DomainSummary } from '../types.ts';
import { check, checkInt, cstr, listAll, mapAndFree, takeString, using, uuidOf } from './util.ts';

const free = (p: Pointer) => sym('virDomainFree')(p);

/** Runs `fn` on the domain with this UUID, freeing it afterwards. */
export function withDomain<R>(conn: Pointer, uuid: string, fn: (dom: Pointer) => R): R {
  const dom = check(sym('virDomainLookupByUUIDString')(conn, cstr(uuid)), 'virDomainLookupByUUIDString');
  return using(dom, free, fn);
}

/** UUID and name of a domain pointer. */
export function domainRef(dom: Pointer): DomainRef {
  return {
    uuid: uuidOf(sym('virDomainGetUUIDString'), dom, 'virDomainGetUUIDString'),
    name: String(sym('virDomainGetName')(dom) ?? ''),
  };
}

/** virDomainGetInfo. */
export function domainInfo(dom: Pointer): DomainInfo {
  const b = Buffer.alloc(40);
  checkInt(sym('virDomainGetInfo')(dom, b), 'virDomainGetInfo');
  const stateCode = b.readUInt8(0);
  return {
    state: domainStateName(stateCode),
    stateCode,
    maxMemKiB: Number(b.readBigUInt64LE(8)),
    memoryKiB: Number(b.readBigUInt64LE(16)),
    nrVirtCpu: b.readUInt16LE(24),
    cpuTimeNs: Number(b.readBigUInt64LE(32)),
  };
}

/** Identity, info, id and flags of one domain pointer. */
export function domainSummary(dom: Pointer): DomainSummary {
  const active = checkInt(sym('virDomainIsActive')(dom), 'virDomainIsActive') === 1;
  const id = sym('virDomainGetID')(dom);
  return {
    ...domainRef(dom),
    ...domainInfo(dom),
    id: active && id !== 0xffffffff ? id : null,
    active,
    persistent: checkInt(sym('virDomainIsPersistent')(dom), 'virDomainIsPersistent') === 1,
  };
}

/** virConnectListAllDomains. */
export function listAllDomains(conn: Pointer, flags: number): DomainSummary[] {
  const doms = listAll(
    (out) => sym('virConnectListAllDomains')(conn, out, flags),
    'virConnectListAllDomains',
  );
  return mapAndFree(doms, free, domainSummary);
}

/** virDomainLookupByName. */
export function lookupByName(conn: Pointer, name: string): DomainSummary {
  const dom = check(sym('virDomainLookupByName')(conn, cstr(name)), 'virDomainLookupByName');
  return using(dom, free, domainSummary);
}

/** virDomainLookupByUUIDString. */
export function lookupByUUID(conn: Pointer, uuid: string): DomainSummary {
  return withDomain(conn, uuid, domainSummary);
}

/** virDomainDefineXMLFlags (virDomainDefineXML when flags is 0, for older libvirt). */
export function defineXML(conn: Pointer, xml: string, flags: number): DomainSummary {
  const dom =
    flags === 0
      ? sym('virDomainDefineXML')(conn, cstr(xml))
      : sym('virDomainDefineXMLFlags')(conn, cstr(xml), flags);
  return using(check(dom, 'virDomainDefineXML'), free, domainSummary);
}

/** virDomainUndefineFlags. */
export function undefine(conn: Pointer, uuid: string, flags: number): void {
  withDomain(conn, uuid, (d) => checkInt(sym('virDomainUndefineFlags')(d, flags), 'virDomainUndefineFlags'));
}

/** virDomainCreateWithFlags. */
export function create(conn: Pointer, uuid: string, flags: number): void {
  withDomain(conn, uuid, (d) =>
    checkInt(sym('virDomainCreateWithFlags')(d, flags), 'virDomainCreateWithFlags'),
  );
}

/** virDomainShutdownFlags. */
export function shutdown(conn: Pointer, uuid: string, flags: number): void {
  withDomain(conn, uuid, (d) => checkInt(sym('virDomainShutdownFlags')(d, flags), 'virDomainShutdownFlags'));
}

/** virDomainDestroyFlags. */
export function destroy(conn: Pointer, uuid: string, flags: number): void {
  withDomain(conn, uuid, (d) => checkInt(sym('virDomainDestroyFlags')(d, flags), 'virDomainDestroyFlags'));
}

/** virDomainReboot. */
export function reboot(conn: Pointer, uuid: string, flags: number): void {
  withDomain(conn, uuid, (d) => checkInt(sym('virDomainReboot')(d, flags), 'virDomainReboot'));
}

/** virDomainSuspend. */
export function suspend(conn: Pointer, uuid: string): void {
  withDomain(conn, uuid, (d) => checkInt(sym('virDomainSuspend')(d), 'virDomainSuspend'));
}

/** virDomainResume. */
export function resume(conn: Pointer, uuid: string): void {
  withDomain(conn, uuid, (d) => checkInt(sym('virDomainResume')(d), 'virDomainResume'));
}

/** virDomainGetXMLDesc. */
export function getXMLDesc(conn: Pointer, uuid: string, flags: number): string {
  return withDomain(conn, uuid, (d) =>
    takeString(sym('virDomainGetXMLDesc')(d, flags), 'virDomainGetXMLDesc'),
  );
}

/** virDomainGetInfo by UUID. */
export function getInfo(conn: Pointer, uuid: string): DomainInfo {
  return withDomain(conn, uuid, domainInfo);
}

/** virDomainGetAutostart. */
export function getAutostart(conn: Pointer, uuid: string): boolean {
  return withDomain(conn, uuid, (d) => {
    const out = new Int32Array(1);
    checkInt(sym('virDomainGetAutostart')(d, out), 'virDomainGetAutostart');
    return out[0] === 1;
  });
}

/** virDomainSetAutostart. */
export function setAutostart(conn: Pointer, uuid: string, on: boolean): void {
  withDomain(conn, uuid, (d) =>
    checkInt(sym('virDomainSetAutostart')(d, on ? 1 : 0), 'virDomainSetAutostart'),
  );
}

// virTypedParameterType values.
const TP_INT = 1;
const TP_UINT = 2;
const TP_LLONG = 3;
const TP_ULLONG = 4;
const TP_DOUBLE = 5;
const TP_BOOLEAN = 6;
const TP_STRING = 7;
const TP_SIZE = 96;

/** Decodes a virTypedParameter array (field[80], int type at 80, value union at 88). */
export function readTypedParams(params: Pointer, n: number): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (let i = 0; i < n; i++) {
    const base = i * TP_SIZE;
    const field = new CString((params + base) as Pointer).toString();
    const type = read.i32(params, base + 80);
    const v = base + 88;
    if (type === TP_INT) out[field] = read.i32(params, v);
    else if (type === TP_UINT) out[field] = read.u32(params, v);
    else if (type === TP_LLONG) out[field] = Number(read.i64(params, v));
    else if (type === TP_ULLONG) out[field] = Number(read.u64(params, v));
    else if (type === TP_DOUBLE) out[field] = read.f64(params, v);
    else if (type === TP_BOOLEAN) out[field] = read.u8(params, v) !== 0;
    else if (type === TP_STRING) out[field] = new CString(read.ptr(params, v) as Pointer).toString();
  }
  return out;
}

function sumMatching(raw: Record<string, number | string | boolean>, re: RegExp): number {
  let sum = 0;
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'number' && re.test(k)) sum += v;
  return sum;
}

/** Reduces one record's typed parameters to the per-VM figures a Prometheus exporter needs. */
export function summarizeStats(ref: DomainRef, raw: Record<string, number | string | boolean>): DomainStats {
  const balloon = raw['balloon.current'];
  return {
    ...ref,
    state: domainStateName(typeof raw['state.state'] === 'number' ? raw['state.state'] : 0),
    cpuTimeNs: typeof raw['cpu.time'] === 'number' ? raw['cpu.time'] : 0,
    balloonCurrentKiB: typeof balloon === 'number' ? balloon : null,
    blockReadBytes: sumMatching(raw, /^block\.\d+\.rd\.bytes$/),
    blockWriteBytes: sumMatching(raw, /^block\.\d+\.wr\.bytes$/),
    netRxBytes: sumMatching(raw, /^net\.\d+\.rx\.bytes$/),
    netTxBytes: sumMatching(raw, /^net\.\d+\.tx\.bytes$/),
    raw,
  };
}

/** The stats groups collected when the caller names none. */
export const DEFAULT_STATS =
  StatsTypes.STATE | StatsTypes.CPU_TOTAL | StatsTypes.BALLOON | StatsTypes.INTERFACE | StatsTypes.BLOCK;

function readStatsRecords(records: Pointer, n: number): DomainStats[] {
  const out: DomainStats[] = [];
  for (let i = 0; i < n; i++) {
    const rec = read.ptr(records, i * 8) as Pointer;
    const dom = read.ptr(rec, 0) as Pointer;
    const params = read.ptr(rec, 8) as Pointer;
    const nparams = read.i32(rec, 16);
    out.push(summarizeStats(domainRef(dom), params ? readTypedParams(params, nparams) : {}));
  }
  return out;
}

/** virConnectGetAllDomainStats. */
export function getAllDomainStats(conn: Pointer, stats: number, flags: number): DomainStats[] {
  const out = new BigUint64Array(1);
  const n = checkInt(
    sym('virConnectGetAllDomainStats')(conn, stats || DEFAULT_STATS, out, flags),
    'virConnectGetAllDomainStats',
  );
  const records = Number(out[0]) as Pointer;
  try {
    return readStatsRecords(records, n);
  } finally {
    if (records) sym('virDomainStatsRecordListFree')(records);
  }
}

/** virDomainListGetStats for one domain. */
export function getStats(conn: Pointer, uuid: string, stats: number, flags: number): DomainStats {
  return withDomain(conn, uuid, (d) => {
    const doms = new BigUint64Array([BigInt(d), 0n]);
    const out = new BigUint64Array(1);
    const n = checkInt(
      sym('virDomainListGetStats')(doms, stats || DEFAULT_STATS, out, flags),
      'virDomainListGetStats',
    );
    const records = Number(out[0]) as Pointer;
    try {
      const [first] = readStatsRecords(records, n);
      return first ?? summarizeStats(domainRef(d), {});
    } finally {
      if (records) sym('virDomainStatsRecordListFree')(records);
    }
  });
}
