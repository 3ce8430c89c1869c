/** Worker-side connection and host calls. */
import type { Pointer } from 'bun:ffi';
import { sym } from '../symbols.ts';
import type { HostInfo, NodeInfo, Version } from '../types.ts';
import { check, checkInt, cstr, lastError, silenceErrors, takeString } from './util.ts';

/** Splits libvirt's major*1,000,000 + minor*1,000 + release number. */
export function splitVersion(v: number): Version {
  const major = Math.floor(v / 1_000_000);
  const minor = Math.floor((v % 1_000_000) / 1000);
  const release = v % 1000;
  return { major, minor, release, text: `${major}.${minor}.${release}` };
}

/** virConnectOpen, with stderr error printing switched off first. */
export function connectOpen(uri: string): Pointer {
  silenceErrors();
  return check(sym('virConnectOpen')(cstr(uri)), `virConnectOpen(${uri})`);
}

/** virConnectClose. */
export function connectClose(conn: Pointer): void {
  sym('virConnectClose')(conn);
}

/** virNodeGetInfo. */
export function nodeInfo(conn: Pointer): NodeInfo {
  const b = Buffer.alloc(64);
  checkInt(sym('virNodeGetInfo')(conn, b), 'virNodeGetInfo');
  const end = b.indexOf(0);
  return {
    model: b.toString('latin1', 0, end >= 0 && end < 32 ? end : 32),
    memoryKiB: Number(b.readBigUInt64LE(32)),
    cpus: b.readUInt32LE(40),
    mhz: b.readUInt32LE(44),
    nodes: b.readUInt32LE(48),
    sockets: b.readUInt32LE(52),
    cores: b.readUInt32LE(56),
    threads: b.readUInt32LE(60),
  };
}

function ulongOut(fn: (conn: Pointer, out: BigUint64Array) => number, conn: Pointer, what: string): number {
  const out = new BigUint64Array(1);
  checkInt(fn(conn, out), what);
  return Number(out[0]);
}

/** virNodeGetFreeMemory (returns 0 on error, so the error is checked explicitly). */
export function freeMemory(conn: Pointer): number {
  sym('virResetLastError')();
  const n = sym('virNodeGetFreeMemory')(conn);
  if (n === 0 && sym('virGetLastError')()) throw lastError('virNodeGetFreeMemory');
  return Number(n);
}

/** Hostname, versions, node info, free memory: what registration and heartbeats report. */
export function hostInfo(conn: Pointer): HostInfo {
  const type = sym('virConnectGetType')(conn);
  return {
    uri: takeString(sym('virConnectGetURI')(conn), 'virConnectGetURI'),
    hostname: takeString(sym('virConnectGetHostname')(conn), 'virConnectGetHostname'),
    hypervisorType: String(type ?? ''),
    libvirtVersion: splitVersion(ulongOut(sym('virConnectGetLibVersion'), conn, 'virConnectGetLibVersion')),
    hypervisorVersion: splitVersion(ulongOut(sym('virConnectGetVersion'), conn, 'virConnectGetVersion')),
    node: nodeInfo(conn),
    freeMemoryBytes: freeMemory(conn),
  };
}

/** virConnectGetCapabilities. */
export function capabilities(conn: Pointer): string {
  return takeString(sym('virConnectGetCapabilities')(conn), 'virConnectGetCapabilities');
}

/** virConnectGetHostname. */
export function hostname(conn: Pointer): string {
  return takeString(sym('virConnectGetHostname')(conn), 'virConnectGetHostname');
}

/** virConnectIsAlive. */
export function isAlive(conn: Pointer): boolean {
  return checkInt(sym('virConnectIsAlive')(conn), 'virConnectIsAlive') === 1;
}
