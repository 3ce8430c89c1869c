/** Worker-side domain snapshot calls; a snapshot's handle is (domain UUID, snapshot name). */
import type { Pointer } from 'bun:ffi';
import { sym } from '../symbols.ts';
import type { SnapshotInfo } from '../types.ts';
import { withDomain } from './domain.ts';
import { check, checkInt, cstr, listAll, mapAndFree, takeString, using } from './util.ts';

const free = (p: Pointer) => sym('virDomainSnapshotFree')(p);

function info(domainUuid: string, snap: Pointer): SnapshotInfo {
  return {
    domainUuid,
    name: String(sym('virDomainSnapshotGetName')(snap) ?? ''),
    current: checkInt(sym('virDomainSnapshotIsCurrent')(snap, 0), 'virDomainSnapshotIsCurrent') === 1,
  };
}

function withSnapshot<R>(conn: Pointer, uuid: string, name: string, fn: (snap: Pointer) => R): R {
  return withDomain(conn, uuid, (dom) => {
    const snap = check(
      sym('virDomainSnapshotLookupByName')(dom, cstr(name), 0),
      'virDomainSnapshotLookupByName',
    );
    return using(snap, free, fn);
  });
}

/** virDomainSnapshotCreateXML. */
export function createXML(conn: Pointer, uuid: string, xml: string, flags: number): SnapshotInfo {
  return withDomain(conn, uuid, (dom) => {
    const snap = check(
      sym('virDomainSnapshotCreateXML')(dom, cstr(xml), flags),
      'virDomainSnapshotCreateXML',
    );
    return using(snap, free, (s) => info(uuid, s));
  });
}

/** virDomainListAllSnapshots. */
export function listAllSnapshots(conn: Pointer, uuid: string, flags: number): SnapshotInfo[] {
  return withDomain(conn, uuid, (dom) => {
    const snaps = listAll(
      (out) => sym('virDomainListAllSnapshots')(dom, out, flags),
      'virDomainListAllSnapshots',
    );
    return mapAndFree(snaps, free, (s) => info(uuid, s));
  });
}

/** virDomainSnapshotLookupByName. */
export function lookupByName(conn: Pointer, uuid: string, name: string): SnapshotInfo {
  return withSnapshot(conn, uuid, name, (s) => info(uuid, s));
}

/** virDomainRevertToSnapshot. */
export function revert(conn: Pointer, uuid: string, name: string, flags: number): void {
  withSnapshot(conn, uuid, name, (s) =>
    checkInt(sym('virDomainRevertToSnapshot')(s, flags), 'virDomainRevertToSnapshot'),
  );
}

/** virDomainSnapshotDelete. */
export function remove(conn: Pointer, uuid: string, name: string, flags: number): void {
  withSnapshot(conn, uuid, name, (s) =>
    checkInt(sym('virDomainSnapshotDelete')(s, flags), 'virDomainSnapshotDelete'),
  );
}

/** virDomainSnapshotGetXMLDesc. */
export function getXMLDesc(conn: Pointer, uuid: string, name: string, flags: number): string {
  return withSnapshot(conn, uuid, name, (s) =>
    takeString(sym('virDomainSnapshotGetXMLDesc')(s, flags), 'virDomainSnapshotGetXMLDesc'),
  );
}
