/** The binding against libvirt's test driver (test:///default): real libvirt, fake hypervisor, no daemon. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import {
  type Connection,
  DomainXMLFlags,
  ErrorCode,
  isLibvirtError,
  Libvirt,
  LibvirtError,
  ListDomainsFlags,
  StatsTypes,
} from '../src/libvirt/index.ts';
import { testDomainXML, uniqueName } from './fixtures/libvirt.ts';

const URI = 'test:///default';
let conn: Connection;

beforeAll(async () => {
  conn = await Libvirt.open(URI, { workers: 2 });
});
afterAll(async () => {
  await conn.close();
});

async function expectLibvirtError(p: Promise<unknown>, code: number): Promise<LibvirtError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(code);
    expect((err as LibvirtError).message.length).toBeGreaterThan(0);
    return err as LibvirtError;
  }
  throw new Error(`expected LibvirtError ${code}`);
}

describe('connection and host', () => {
  test('host info, versions, capabilities, free memory', async () => {
    const info = await conn.hostInfo();
    expect(info.uri).toBe(URI);
    expect(info.hypervisorType).toBe('TEST');
    expect(info.libvirtVersion.major).toBeGreaterThanOrEqual(5);
    expect(info.node.cpus).toBeGreaterThan(0);
    expect(info.node.memoryKiB).toBeGreaterThan(0);
    expect(info.hostname.length).toBeGreaterThan(0);
    expect(await conn.getHostname()).toBe(info.hostname);
    expect(await conn.getCapabilities()).toContain('<capabilities>');
    expect(await conn.nodeGetFreeMemory()).toBeGreaterThan(0);
    expect(await conn.isAlive()).toBe(true);
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
  });

  test('a bad URI is a LibvirtError, not a crash', async () => {
    const err = await Libvirt.open('nosuchdriver:///x', { workers: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
  });

  test('calls after close are rejected', async () => {
    const c = await Libvirt.open(URI, { workers: 1 });
    await c.close();
    await expectLibvirtError(c.listAllDomains(), ErrorCode.INVALID_CONN);
  });
});

describe('domains', () => {
  test('the built-in domain: list, lookups, info, XML, state names', async () => {
    const all = await conn.listAllDomains();
    const builtin = all.find((d) => d.name === 'test');
    expect(builtin).toBeDefined();
    expect(builtin?.state).toBe('running');
    const byName = await conn.lookupDomainByName('test');
    const byUuid = await conn.lookupDomainByUUID(byName.uuid);
    expect(byUuid.name).toBe('test');
    expect(byName.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const xml = await byName.getXMLDesc(DomainXMLFlags.SECURE);
    expect(xml).toContain('<name>test</name>');
    expect(JSON.stringify(byName)).toBe(JSON.stringify({ uuid: byName.uuid, name: 'test' }));
  });

  test('define, start, suspend, resume, shutdown, reboot, destroy, undefine', async () => {
    const name = uniqueName('dom');
    const dom = await conn.defineDomainXML(testDomainXML(name));
    try {
      expect(dom.name).toBe(name);
      expect((await dom.getInfo()).state).toBe('shutoff');
      expect((await dom.summary()).persistent).toBe(true);
      const inactive = await conn.listAllDomains(ListDomainsFlags.INACTIVE);
      expect(inactive.map((d) => d.name)).toContain(name);

      await dom.create();
      const info = await dom.getInfo();
      expect(info.state).toBe('running');
      expect(info.nrVirtCpu).toBe(1);
      expect(info.maxMemKiB).toBe(64 * 1024);
      expect((await dom.summary()).id).toBeGreaterThan(0);
      expect((await conn.listAllDomains(ListDomainsFlags.ACTIVE)).map((d) => d.name)).toContain(name);

      await dom.suspend();
      expect((await dom.getInfo()).state).toBe('paused');
      await dom.resume();
      expect((await dom.getInfo()).state).toBe('running');
      await dom.reboot();
      expect((await dom.getInfo()).state).toBe('running');
      await dom.shutdown();
      expect((await dom.getInfo()).state).toBe('shutoff');
      await dom.create();
      await dom.destroy();
      expect((await dom.getInfo()).state).toBe('shutoff');
      await expectLibvirtError(dom.destroy(), ErrorCode.OPERATION_INVALID);
    } finally {
      await dom.destroy().catch(() => {});
      await dom.undefine();
    }
    await expectLibvirtError(conn.lookupDomainByName(name), ErrorCode.NO_DOMAIN);
  });

  test('autostart round trip', async () => {
    const dom = await conn.defineDomainXML(testDomainXML(uniqueName('auto')));
    try {
      expect(await dom.getAutostart()).toBe(false);
      await dom.setAutostart(true);
      expect(await dom.getAutostart()).toBe(true);
      expect((await conn.listAllDomains(ListDomainsFlags.AUTOSTART)).map((d) => d.uuid)).toContain(dom.uuid);
    } finally {
      await dom.undefine();
    }
  });

  test('stats: per domain and for all domains', async () => {
    const one = await (await conn.lookupDomainByName('test')).getStats();
    expect(one.name).toBe('test');
    expect(one.state).toBe('running');
    expect(one.raw['state.state']).toBe(1);
    const all = await conn.getAllDomainStats(StatsTypes.STATE, ListDomainsFlags.ACTIVE);
    expect(all.map((s) => s.name)).toContain('test');
  });

  test('errors: missing domain, pool-less lookups, bad XML', async () => {
    const e = await expectLibvirtError(conn.lookupDomainByName('no-such-domain'), ErrorCode.NO_DOMAIN);
    expect(isLibvirtError(e, ErrorCode.NO_DOMAIN)).toBe(true);
    await expectLibvirtError(
      conn.lookupDomainByUUID('00000000-0000-0000-0000-000000000001'),
      ErrorCode.NO_DOMAIN,
    );
    await expectLibvirtError(
      conn.domain('00000000-0000-0000-0000-000000000001').create(),
      ErrorCode.NO_DOMAIN,
    );
    const bad = await conn.defineDomainXML('<domain><oops').catch((err: unknown) => err);
    expect(bad).toBeInstanceOf(LibvirtError);
    expect<number[]>([ErrorCode.XML_ERROR, ErrorCode.XML_DETAIL]).toContain((bad as LibvirtError).code);
  });
});

describe('snapshots', () => {
  test('create, list, lookup, XML, revert, delete', async () => {
    const dom = await conn.defineDomainXML(testDomainXML(uniqueName('snap')));
    try {
      await dom.create();
      const s1 = await dom.snapshotCreateXML('<domainsnapshot><name>s1</name></domainsnapshot>');
      await dom.suspend();
      const s2 = await dom.snapshotCreateXML('<domainsnapshot><name>s2</name></domainsnapshot>');
      const list = await dom.listAllSnapshots();
      expect(list.map((s) => s.name).sort()).toEqual(['s1', 's2']);
      expect(list.find((s) => s.name === 's2')?.current).toBe(true);
      expect(await s1.getXMLDesc()).toContain('<state>running</state>');
      expect(await s2.getXMLDesc()).toContain('<state>paused</state>');
      const again = await dom.snapshotLookupByName('s1');
      await again.revert();
      expect((await dom.getInfo()).state).toBe('running');
      expect((await s1.info()).current).toBe(true);
      await s2.delete();
      expect((await dom.listAllSnapshots()).map((s) => s.name)).toEqual(['s1']);
      await expectLibvirtError(dom.snapshotLookupByName('s2'), ErrorCode.NO_DOMAIN_SNAPSHOT);
    } finally {
      await dom.destroy().catch(() => {});
      await dom.undefine(2 /* SNAPSHOTS_METADATA */);
    }
  });
});

describe('storage', () => {
  test('pool lifecycle: define, build, start, refresh, info, XML, lookups, stop, undefine', async () => {
    const name = uniqueName('pool');
    const pool = await conn.defineStoragePoolXML(
      `<pool type='dir'><name>${name}</name><target><path>/${name}</path></target></pool>`,
    );
    try {
      expect((await pool.getInfo()).state).toBe('inactive');
      await pool.build();
      await pool.create();
      await pool.refresh();
      const info = await pool.getInfo();
      expect(info.state).toBe('running');
      expect(info.active).toBe(true);
      expect(info.persistent).toBe(true);
      expect(await pool.getXMLDesc()).toContain(`<name>${name}</name>`);
      expect((await conn.lookupStoragePoolByName(name)).uuid).toBe(pool.uuid);
      expect((await conn.lookupStoragePoolByUUID(pool.uuid)).name).toBe(name);
      expect((await conn.listAllStoragePools()).map((p) => p.name)).toContain(name);
      await pool.setAutostart(true);
      expect((await pool.getInfo()).autostart).toBe(true);
      await pool.destroy();
      expect((await pool.getInfo()).state).toBe('inactive');
    } finally {
      await pool.destroy().catch(() => {});
      await pool.undefine();
    }
    await expectLibvirtError(conn.lookupStoragePoolByName(name), ErrorCode.NO_STORAGE_POOL);
  });

  test('volumes: create, clone, list, lookups, path, delete; stream and resize unsupported here', async () => {
    const pool = await conn.lookupStoragePoolByName('default-pool');
    const name = `${uniqueName('vol')}.img`;
    const vol = await pool.createVolumeXML(
      `<volume><name>${name}</name><capacity unit='MiB'>4</capacity></volume>`,
    );
    const cloneName = `${uniqueName('clone')}.img`;
    const clone = await pool.createVolumeXMLFrom(
      `<volume><name>${cloneName}</name><capacity unit='MiB'>4</capacity></volume>`,
      vol,
    );
    try {
      const info = await vol.getInfo();
      expect(info.capacity).toBe(4 * 1024 * 1024);
      expect(info.type).toBe('file');
      expect(info.pool).toBe(pool.uuid);
      expect(await vol.getPath()).toBe(vol.path);
      expect(await vol.getXMLDesc()).toContain(name);
      const names = (await pool.listAllVolumes()).map((v) => v.name);
      expect(names).toContain(name);
      expect(names).toContain(cloneName);
      expect((await pool.lookupVolumeByName(name)).key).toBe(vol.key);
      expect((await conn.lookupStorageVolumeByPath(vol.path)).name).toBe(name);
      expect((await conn.lookupStorageVolumeByKey(clone.key)).name).toBe(cloneName);
      // The test driver has no stream or resize support: the binding must say so, not crash.
      await expectLibvirtError(vol.upload([new Uint8Array(16)]), ErrorCode.NO_SUPPORT);
      await expectLibvirtError(vol.download().next(), ErrorCode.NO_SUPPORT);
      await expectLibvirtError(vol.resize(8 * 1024 * 1024), ErrorCode.NO_SUPPORT);
    } finally {
      await clone.delete();
      await vol.delete();
    }
    await expectLibvirtError(pool.lookupVolumeByName(name), ErrorCode.NO_STORAGE_VOL);
    await expectLibvirtError(conn.lookupStorageVolumeByKey('/nope/nope'), ErrorCode.NO_STORAGE_VOL);
  });
});

describe('events', () => {
  test('lifecycle events for define, start, suspend, resume, destroy, undefine', async () => {
    const events = await conn.events();
    expect(events.callbacks).toContain('lifecycle');
    const name = uniqueName('ev');
    try {
      const dom = await conn.defineDomainXML(testDomainXML(name));
      await dom.create();
      await dom.suspend();
      await dom.resume();
      await dom.destroy();
      await dom.undefine();
      const seen: string[] = [];
      for await (const e of events) {
        if (e.name !== name) continue;
        expect(e.uuid).toBe(dom.uuid);
        seen.push(`${e.event}/${e.detail}`);
        if (e.event === 'undefined') break;
      }
      expect(seen).toEqual([
        'defined/added',
        'started/booted',
        'suspended/paused',
        'resumed/unpaused',
        'stopped/destroyed',
        'undefined/removed',
      ]);
    } finally {
      await events.close();
    }
  });

  test('waitFor and on() listeners', async () => {
    const events = await conn.events();
    const got: string[] = [];
    const off = events.on((e) => got.push(e.event));
    try {
      const dom = await conn.defineDomainXML(testDomainXML(uniqueName('wait')));
      const started = events.waitFor((e) => e.uuid === dom.uuid && e.event === 'started');
      await dom.create();
      expect((await started).detail).toBe('booted');
      await dom.destroy();
      await dom.undefine();
      await events.waitFor((e) => e.uuid === dom.uuid && e.event === 'undefined');
      expect(got).toContain('stopped');
    } finally {
      off();
      await events.close();
    }
  });
});

describe('concurrency', () => {
  test('parallel calls spread over the workers and all complete', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => conn.listAllDomains()));
    expect(results.every((r) => r.some((d) => d.name === 'test'))).toBe(true);
  });
});
