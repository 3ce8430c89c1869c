/**
 * The operations a libvirt worker executes, by name. The main thread imports only the type of this
 * table, so its calls are checked against these signatures without loading bun:ffi there.
 */
import type { Pointer } from 'bun:ffi';
import * as domain from './domain.ts';
import * as host from './host.ts';
import * as snapshot from './snapshot.ts';
import * as storage from './storage.ts';
import * as stream from './stream.ts';

/** Every op takes the worker's connection first; the rest of its arguments come from the caller. */
export const ops = {
  'host.info': (c: Pointer) => host.hostInfo(c),
  'host.hostname': (c: Pointer) => host.hostname(c),
  'host.capabilities': (c: Pointer) => host.capabilities(c),
  'host.nodeInfo': (c: Pointer) => host.nodeInfo(c),
  'host.freeMemory': (c: Pointer) => host.freeMemory(c),
  'host.isAlive': (c: Pointer) => host.isAlive(c),
  'host.ping': (_c: Pointer) => 0,

  'domain.listAll': (c: Pointer, flags: number) => domain.listAllDomains(c, flags),
  'domain.lookupByName': (c: Pointer, name: string) => domain.lookupByName(c, name),
  'domain.lookupByUUID': (c: Pointer, uuid: string) => domain.lookupByUUID(c, uuid),
  'domain.defineXML': (c: Pointer, xml: string, flags: number) => domain.defineXML(c, xml, flags),
  'domain.undefine': (c: Pointer, uuid: string, flags: number) => domain.undefine(c, uuid, flags),
  'domain.create': (c: Pointer, uuid: string, flags: number) => domain.create(c, uuid, flags),
  'domain.shutdown': (c: Pointer, uuid: string, flags: number) => domain.shutdown(c, uuid, flags),
  'domain.destroy': (c: Pointer, uuid: string, flags: number) => domain.destroy(c, uuid, flags),
  'domain.reboot': (c: Pointer, uuid: string, flags: number) => domain.reboot(c, uuid, flags),
  'domain.suspend': (c: Pointer, uuid: string) => domain.suspend(c, uuid),
  'domain.resume': (c: Pointer, uuid: string) => domain.resume(c, uuid),
  'domain.getXMLDesc': (c: Pointer, uuid: string, flags: number) => domain.getXMLDesc(c, uuid, flags),
  'domain.getInfo': (c: Pointer, uuid: string) => domain.getInfo(c, uuid),
  'domain.getAutostart': (c: Pointer, uuid: string) => domain.getAutostart(c, uuid),
  'domain.setAutostart': (c: Pointer, uuid: string, on: boolean) => domain.setAutostart(c, uuid, on),
  'domain.getStats': (c: Pointer, uuid: string, stats: number, flags: number) =>
    domain.getStats(c, uuid, stats, flags),
  'domain.getAllStats': (c: Pointer, stats: number, flags: number) =>
    domain.getAllDomainStats(c, stats, flags),

  'snapshot.createXML': (c: Pointer, uuid: string, xml: string, flags: number) =>
    snapshot.createXML(c, uuid, xml, flags),
  'snapshot.listAll': (c: Pointer, uuid: string, flags: number) => snapshot.listAllSnapshots(c, uuid, flags),
  'snapshot.lookupByName': (c: Pointer, uuid: string, name: string) => snapshot.lookupByName(c, uuid, name),
  'snapshot.revert': (c: Pointer, uuid: string, name: string, flags: number) =>
    snapshot.revert(c, uuid, name, flags),
  'snapshot.delete': (c: Pointer, uuid: string, name: string, flags: number) =>
    snapshot.remove(c, uuid, name, flags),
  'snapshot.getXMLDesc': (c: Pointer, uuid: string, name: string, flags: number) =>
    snapshot.getXMLDesc(c, uuid, name, flags),

  'pool.listAll': (c: Pointer, flags: number) => storage.listAllPools(c, flags),
  'pool.defineXML': (c: Pointer, xml: string, flags: number) => storage.poolDefineXML(c, xml, flags),
  'pool.lookupByName': (c: Pointer, name: string) => storage.poolLookupByName(c, name),
  'pool.lookupByUUID': (c: Pointer, uuid: string) => storage.poolLookupByUUID(c, uuid),
  'pool.build': (c: Pointer, uuid: string, flags: number) => storage.poolBuild(c, uuid, flags),
  'pool.create': (c: Pointer, uuid: string, flags: number) => storage.poolCreate(c, uuid, flags),
  'pool.refresh': (c: Pointer, uuid: string) => storage.poolRefresh(c, uuid),
  'pool.destroy': (c: Pointer, uuid: string) => storage.poolDestroy(c, uuid),
  'pool.delete': (c: Pointer, uuid: string, flags: number) => storage.poolDelete(c, uuid, flags),
  'pool.undefine': (c: Pointer, uuid: string) => storage.poolUndefine(c, uuid),
  'pool.getInfo': (c: Pointer, uuid: string) => storage.poolGetInfo(c, uuid),
  'pool.getXMLDesc': (c: Pointer, uuid: string, flags: number) => storage.poolGetXMLDesc(c, uuid, flags),
  'pool.setAutostart': (c: Pointer, uuid: string, on: boolean) => storage.poolSetAutostart(c, uuid, on),
  'pool.listVolumes': (c: Pointer, uuid: string) => storage.listAllVolumes(c, uuid),

  'volume.createXML': (c: Pointer, pool: string, xml: string, flags: number) =>
    storage.volCreateXML(c, pool, xml, flags),
  'volume.createXMLFrom': (c: Pointer, pool: string, xml: string, sourceKey: string, flags: number) =>
    storage.volCreateXMLFrom(c, pool, xml, sourceKey, flags),
  'volume.lookupByName': (c: Pointer, pool: string, name: string) => storage.volLookupByName(c, pool, name),
  'volume.lookupByPath': (c: Pointer, path: string) => storage.volLookupByPath(c, path),
  'volume.lookupByKey': (c: Pointer, key: string) => storage.volLookupByKey(c, key),
  'volume.delete': (c: Pointer, key: string, flags: number) => storage.volDelete(c, key, flags),
  'volume.resize': (c: Pointer, key: string, capacity: number, flags: number) =>
    storage.volResize(c, key, capacity, flags),
  'volume.getXMLDesc': (c: Pointer, key: string) => storage.volGetXMLDesc(c, key),
  'volume.getPath': (c: Pointer, key: string) => storage.volGetPath(c, key),

  'stream.uploadBegin': (c: Pointer, key: string, offset: number, length: number, flags: number) =>
    stream.uploadBegin(c, key, offset, length, flags),
  'stream.downloadBegin': (c: Pointer, key: string, offset: number, length: number, flags: number) =>
    stream.downloadBegin(c, key, offset, length, flags),
  'stream.send': (_c: Pointer, id: number, chunk: Uint8Array) => stream.send(id, chunk),
  'stream.recv': (_c: Pointer, id: number, max: number) => stream.recv(id, max),
  'stream.finish': (_c: Pointer, id: number) => stream.finish(id),
  'stream.abort': (_c: Pointer, id: number) => stream.abort(id),
};

/** The op table's type, for the main thread's typed call(). */
export type Ops = typeof ops;
/** An op's name. */
export type OpName = keyof Ops;
/** The caller-supplied arguments of an op (everything after the connection). */
export type OpArgs<K extends OpName> = Ops[K] extends (c: Pointer, ...args: infer A) => unknown ? A : never;
/** An op's result. */
export type OpResult<K extends OpName> = ReturnType<Ops[K]>;
