/** Worker-side storage pool and volume calls. Pools are handled by UUID, volumes by key. */
import type { Pointer } from 'bun:ffi';
import { storagePoolStateName, storageVolTypeName } from '../constants.ts';
import { sym } from '../symbols.ts';
import type { StoragePoolInfo, StorageVolumeInfo } from '../types.ts';
import { check, checkInt, cstr, listAll, mapAndFree, takeString, using, uuidOf } from './util.ts';

const freePool = (p: Pointer) => sym('virStoragePoolFree')(p);
const freeVol = (p: Pointer) => sym('virStorageVolFree')(p);

/** Runs `fn` on the pool with this UUID, freeing it afterwards. */
export function withPool<R>(conn: Pointer, uuid: string, fn: (pool: Pointer) => R): R {
  const pool = check(
    sym('virStoragePoolLookupByUUIDString')(conn, cstr(uuid)),
    'virStoragePoolLookupByUUIDString',
  );
  return using(pool, freePool, fn);
}

/** Runs `fn` on the volume with this key, freeing it afterwards. */
export function withVolume<R>(conn: Pointer, key: string, fn: (vol: Pointer) => R): R {
  const vol = check(sym('virStorageVolLookupByKey')(conn, cstr(key)), 'virStorageVolLookupByKey');
  return using(vol, freeVol, fn);
}

function poolInfo(pool: Pointer): StoragePoolInfo {
  const b = Buffer.alloc(32);
  checkInt(sym('virStoragePoolGetInfo')(pool, b), 'virStoragePoolGetInfo');
  const auto = new Int32Array(1);
  checkInt(sym('virStoragePoolGetAutostart')(pool, auto), 'virStoragePoolGetAutostart');
  const stateCode = b.readInt32LE(0);
  return {
    uuid: uuidOf(sym('virStoragePoolGetUUIDString'), pool, 'virStoragePoolGetUUIDString'),
    name: String(sym('virStoragePoolGetName')(pool) ?? ''),
    state: storagePoolStateName(stateCode),
    stateCode,
    active: stateCode === 2 || stateCode === 3,
    persistent: checkInt(sym('virStoragePoolIsPersistent')(pool), 'virStoragePoolIsPersistent') === 1,
    autostart: auto[0] === 1,
    capacity: Number(b.readBigUInt64LE(8)),
    allocation: Number(b.readBigUInt64LE(16)),
    available: Number(b.readBigUInt64LE(24)),
  };
}

function volumeInfo(vol: Pointer): StorageVolumeInfo {
  const b = Buffer.alloc(24);
  checkInt(sym('virStorageVolGetInfo')(vol, b), 'virStorageVolGetInfo');
  const pool = check(sym('virStoragePoolLookupByVolume')(vol), 'virStoragePoolLookupByVolume');
  return {
    key: String(sym('virStorageVolGetKey')(vol) ?? ''),
    name: String(sym('virStorageVolGetName')(vol) ?? ''),
    path: takeString(sym('virStorageVolGetPath')(vol), 'virStorageVolGetPath'),
    pool: using(pool, freePool, (p) =>
      uuidOf(sym('virStoragePoolGetUUIDString'), p, 'virStoragePoolGetUUIDString'),
    ),
    type: storageVolTypeName(b.readInt32LE(0)),
    capacity: Number(b.readBigUInt64LE(8)),
    allocation: Number(b.readBigUInt64LE(16)),
  };
}

/** virConnectListAllStoragePools. */
export function listAllPools(conn: Pointer, flags: number): StoragePoolInfo[] {
  const pools = listAll(
    (out) => sym('virConnectListAllStoragePools')(conn, out, flags),
    'virConnectListAllStoragePools',
  );
  return mapAndFree(pools, freePool, poolInfo);
}

/** virStoragePoolDefineXML. */
export function poolDefineXML(conn: Pointer, xml: string, flags: number): StoragePoolInfo {
  const pool = check(sym('virStoragePoolDefineXML')(conn, cstr(xml), flags), 'virStoragePoolDefineXML');
  return using(pool, freePool, poolInfo);
}

/** virStoragePoolLookupByName. */
export function poolLookupByName(conn: Pointer, name: string): StoragePoolInfo {
  const pool = check(sym('virStoragePoolLookupByName')(conn, cstr(name)), 'virStoragePoolLookupByName');
  return using(pool, freePool, poolInfo);
}

/** virStoragePoolLookupByUUIDString. */
export function poolLookupByUUID(conn: Pointer, uuid: string): StoragePoolInfo {
  return withPool(conn, uuid, poolInfo);
}

/** virStoragePoolBuild. */
export function poolBuild(conn: Pointer, uuid: string, flags: number): void {
  withPool(conn, uuid, (p) => checkInt(sym('virStoragePoolBuild')(p, flags), 'virStoragePoolBuild'));
}

/** virStoragePoolCreate (start). */
export function poolCreate(conn: Pointer, uuid: string, flags: number): void {
  withPool(conn, uuid, (p) => checkInt(sym('virStoragePoolCreate')(p, flags), 'virStoragePoolCreate'));
}

/** virStoragePoolRefresh. */
export function poolRefresh(conn: Pointer, uuid: string): void {
  withPool(conn, uuid, (p) => checkInt(sym('virStoragePoolRefresh')(p, 0), 'virStoragePoolRefresh'));
}

/** virStoragePoolDestroy (stop). */
export function poolDestroy(conn: Pointer, uuid: string): void {
  withPool(conn, uuid, (p) => checkInt(sym('virStoragePoolDestroy')(p), 'virStoragePoolDestroy'));
}

/** virStoragePoolDelete (remove the underlying storage). */
export function poolDelete(conn: Pointer, uuid: string, flags: number): void {
  withPool(conn, uuid, (p) => checkInt(sym('virStoragePoolDelete')(p, flags), 'virStoragePoolDelete'));
}

/** virStoragePoolUndefine. */
export function poolUndefine(conn: Pointer, uuid: string): void {
  withPool(conn, uuid, (p) => checkInt(sym('virStoragePoolUndefine')(p), 'virStoragePoolUndefine'));
}

/** virStoragePoolGetInfo by UUID. */
export function poolGetInfo(conn: Pointer, uuid: string): StoragePoolInfo {
  return withPool(conn, uuid, poolInfo);
}

/** virStoragePoolGetXMLDesc. */
export function poolGetXMLDesc(conn: Pointer, uuid: string, flags: number): string {
  return withPool(conn, uuid, (p) =>
    takeString(sym('virStoragePoolGetXMLDesc')(p, flags), 'virStoragePoolGetXMLDesc'),
  );
}

/** virStoragePoolSetAutostart. */
export function poolSetAutostart(conn: Pointer, uuid: string, on: boolean): void {
  withPool(conn, uuid, (p) =>
    checkInt(sym('virStoragePoolSetAutostart')(p, on ? 1 : 0), 'virStoragePoolSetAutostart'),
  );
}

/** virStoragePoolListAllVolumes. */
export function listAllVolumes(conn: Pointer, uuid: string): StorageVolumeInfo[] {
  return withPool(conn, uuid, (p) => {
    const vols = listAll(
      (out) => sym('virStoragePoolListAllVolumes')(p, out, 0),
      'virStoragePoolListAllVolumes',
    );
    return mapAndFree(vols, freeVol, volumeInfo);
  });
}

/** virStorageVolCreateXML. */
export function volCreateXML(conn: Pointer, poolUuid: string, xml: string, flags: number): StorageVolumeInfo {
  return withPool(conn, poolUuid, (p) => {
    const vol = check(sym('virStorageVolCreateXML')(p, cstr(xml), flags), 'virStorageVolCreateXML');
    return using(vol, freeVol, volumeInfo);
  });
}

/** virStorageVolCreateXMLFrom: a new volume in the pool, cloned from `sourceKey`. */
export function volCreateXMLFrom(
  conn: Pointer,
  poolUuid: string,
  xml: string,
  sourceKey: string,
  flags: number,
): StorageVolumeInfo {
  return withPool(conn, poolUuid, (p) =>
    withVolume(conn, sourceKey, (src) => {
      const vol = check(
        sym('virStorageVolCreateXMLFrom')(p, cstr(xml), src, flags),
        'virStorageVolCreateXMLFrom',
      );
      return using(vol, freeVol, volumeInfo);
    }),
  );
}

/** virStorageVolLookupByName. */
export function volLookupByName(conn: Pointer, poolUuid: string, name: string): StorageVolumeInfo {
  return withPool(conn, poolUuid, (p) => {
    const vol = check(sym('virStorageVolLookupByName')(p, cstr(name)), 'virStorageVolLookupByName');
    return using(vol, freeVol, volumeInfo);
  });
}

/** virStorageVolLookupByPath. */
export function volLookupByPath(conn: Pointer, path: string): StorageVolumeInfo {
  const vol = check(sym('virStorageVolLookupByPath')(conn, cstr(path)), 'virStorageVolLookupByPath');
  return using(vol, freeVol, volumeInfo);
}

/** virStorageVolLookupByKey. */
export function volLookupByKey(conn: Pointer, key: string): StorageVolumeInfo {
  return withVolume(conn, key, volumeInfo);
}

/** virStorageVolDelete. */
export function volDelete(conn: Pointer, key: string, flags: number): void {
  withVolume(conn, key, (v) => checkInt(sym('virStorageVolDelete')(v, flags), 'virStorageVolDelete'));
}

/** virStorageVolResize. */
export function volResize(conn: Pointer, key: string, capacity: number, flags: number): void {
  withVolume(conn, key, (v) =>
    checkInt(sym('virStorageVolResize')(v, capacity, flags), 'virStorageVolResize'),
  );
}

/** virStorageVolGetXMLDesc. */
export function volGetXMLDesc(conn: Pointer, key: string): string {
  return withVolume(conn, key, (v) =>
    takeString(sym('virStorageVolGetXMLDesc')(v, 0), 'virStorageVolGetXMLDesc'),
  );
}

/** virStorageVolGetPath. */
export function volGetPath(conn: Pointer, key: string): string {
  return withVolume(conn, key, (v) => takeString(sym('virStorageVolGetPath')(v), 'virStorageVolGetPath'));
}
