/**
 * The appliance → agent methods over the real link, served by a real agent process on
 * test:///default: results match the catalog (the peer validates them), libvirt errors arrive as
 * NOT_FOUND/CONFLICT/LIBVIRT_ERROR with libvirt's code, and lifecycle events come back as
 * domain.event notifications.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { type AppliancePeer, RpcError } from '@paddock/protocol';
import type { ApplianceStandIn } from './agent-fixtures/appliance-stand-in.ts';
import { type EnrolledAgent, startEnrolledAgent } from './agent-fixtures/enrolled-agent.ts';
import { testDomainXML as domainXml } from './fixtures/libvirt.ts';

let rig: EnrolledAgent;
let hub: ApplianceStandIn;
let peer: AppliancePeer;
// The agent only lets pools live under a --pool-root (the test driver creates nothing there).
const poolRoot = mkdtempSync('/tmp/paddock-agent-handlers-');
chmodSync(poolRoot, 0o711);

const name = (what: string) => `paddock-agent-test-${what}-${process.pid}-${Date.now().toString(36)}`;
const MISSING = '00000000-0000-0000-0000-0000000000ff';

async function rpcError(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(RpcError);
    return error as RpcError;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  rig = startEnrolledAgent({
    libvirt: 'test:///default',
    heartbeatIntervalMs: 1000,
    args: ['--pool-root', poolRoot],
  });
  hub = rig.hub;
  await hub.waitFor(() => hub.registers[0], 15_000, 'register');
  peer = hub.peer as AppliancePeer;
}, 30_000);

afterAll(async () => {
  await rig.stop();
  rmSync(poolRoot, { recursive: true, force: true });
}, 30_000);

describe('handlers over the link (test:///default)', () => {
  test('ping and host.info', async () => {
    const pong = await peer.request('ping', { nonce: 'n1' });
    expect(pong.nonce).toBe('n1');
    expect(Math.abs(pong.time - Date.now())).toBeLessThan(5000);
    const info = await peer.request('host.info', {});
    expect(info.libvirtVersion).toBe(hub.registers[0]?.libvirtVersion as string);
    expect(info.capabilities.archs.length).toBeGreaterThan(0);
  });

  test('domain lifecycle, info, xml, stats, list, and events', async () => {
    const n = name('dom');
    const { uuid } = await peer.request('domain.define', { xml: domainXml(n) });
    expect((await peer.request('domain.info', { uuid })).state).toBe('shutoff');
    expect((await peer.request('domain.start', { uuid })).state).toBe('running');
    expect((await peer.request('domain.suspend', { uuid })).state).toBe('paused');
    expect((await peer.request('domain.resume', { uuid })).state).toBe('running');
    expect((await peer.request('domain.reboot', { uuid })).state).toBe('running');
    const info = await peer.request('domain.info', { uuid });
    expect(info).toMatchObject({
      uuid,
      name: n,
      vcpus: 1,
      memoryBytes: 64 * 2 ** 20,
      persistent: true,
      autostart: false,
    });
    expect((await peer.request('domain.xml', { uuid })).xml).toContain(`<name>${n}</name>`);
    const { stats } = await peer.request('domain.stats', { uuids: [uuid] });
    expect(stats[0]).toMatchObject({ uuid, state: 'running' });
    const all = await peer.request('domain.stats', {});
    expect(all.stats.map((s) => s.uuid)).toContain(uuid);
    const { domains } = await peer.request('domain.list', {});
    expect(domains.find((d) => d.uuid === uuid)?.state).toBe('running');
    expect((await peer.request('domain.shutdown', { uuid })).state).toBe('shutoff');
    expect((await peer.request('domain.start', { uuid })).state).toBe('running');
    expect((await peer.request('domain.destroy', { uuid })).state).toBe('shutoff');

    // Already stopped: CONFLICT with libvirt's code, so a re-run task can tell "already done".
    const again = await rpcError(peer.request('domain.destroy', { uuid }));
    expect(again.code).toBe('CONFLICT');
    expect(again.data).toMatchObject({ code: 55 });
    expect(await peer.request('domain.undefine', { uuid })).toEqual({ uuid });

    const seen = await hub.waitFor(
      () => {
        const mine = hub.events.filter((e) => e.uuid === uuid).map((e) => `${e.event}/${e.detail}`);
        return mine.includes('undefined/removed') && mine;
      },
      5000,
      'domain events',
    );
    expect(seen.slice(0, 4)).toEqual([
      'defined/added',
      'started/booted',
      'suspended/paused',
      'resumed/unpaused',
    ]);
    expect(hub.events.find((e) => e.uuid === uuid && e.event === 'started')?.state).toBe('running');
  });

  test('errors: NOT_FOUND for missing objects, LIBVIRT_ERROR for bad XML, INVALID_PARAMS from the schema', async () => {
    const missing = await rpcError(peer.request('domain.start', { uuid: MISSING }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.data).toMatchObject({ code: 42 });
    expect(missing.message.length).toBeGreaterThan(0);
    expect((await rpcError(peer.request('pool.info', { name: 'no-such-pool' }))).code).toBe('NOT_FOUND');
    expect((await rpcError(peer.request('volume.delete', { pool: 'default-pool', name: 'nope' }))).code).toBe(
      'NOT_FOUND',
    );
    const bad = await rpcError(peer.request('domain.define', { xml: '<domain><oops' }));
    expect(bad.code).toBe('LIBVIRT_ERROR');
    expect(bad.data).toHaveProperty('domain');
    expect((await rpcError(peer.request('domain.info', { uuid: 'not-a-uuid' }))).code).toBe('INVALID_PARAMS');
  });

  test('snapshots: create, list, revert, delete', async () => {
    const { uuid } = await peer.request('domain.define', { xml: domainXml(name('snap')) });
    try {
      await peer.request('domain.start', { uuid });
      const s1 = await peer.request('snapshot.create', { uuid, name: 's1', description: 'first & <best>' });
      expect(s1).toMatchObject({
        name: 's1',
        description: 'first & <best>',
        state: 'running',
        current: true,
        memory: true,
      });
      expect(s1.createdAt).toBeGreaterThan(Date.now() - 3_600_000);
      await peer.request('domain.suspend', { uuid });
      const s2 = await peer.request('snapshot.create', { uuid, name: 's2' });
      expect(s2).toMatchObject({ state: 'paused', parent: 's1', current: true });
      const { snapshots } = await peer.request('snapshot.list', { uuid });
      expect(snapshots.map((s) => s.name).sort()).toEqual(['s1', 's2']);
      expect(snapshots.find((s) => s.name === 's1')?.current).toBe(false);
      expect(await peer.request('snapshot.revert', { uuid, name: 's1' })).toEqual({ uuid, state: 'running' });
      expect(await peer.request('snapshot.delete', { uuid, name: 's2' })).toEqual({});
      expect((await rpcError(peer.request('snapshot.revert', { uuid, name: 's2' }))).code).toBe('NOT_FOUND');
    } finally {
      await peer.request('domain.destroy', { uuid }).catch(() => {});
      await peer.request('domain.undefine', { uuid, removeSnapshotMetadata: true });
    }
  });

  test('pools and volumes: define, start, list, create, clone, resize refusal, delete', async () => {
    const pool = name('pool');
    const defined = await peer.request('pool.define', {
      xml: `<pool type='dir'><name>${pool}</name><target><path>${poolRoot}/${pool}</path></target></pool>`,
      autostart: true,
    });
    expect(defined).toMatchObject({
      name: pool,
      type: 'dir',
      state: 'inactive',
      persistent: true,
      autostart: true,
    });
    expect((await peer.request('pool.start', { name: pool, build: true })).state).toBe('running');
    expect((await peer.request('pool.refresh', { name: pool })).state).toBe('running');
    expect((await peer.request('pool.list', {})).pools.map((p) => p.name)).toContain(pool);

    const vol = await peer.request('volume.create', {
      pool,
      name: 'a.qcow2',
      capacityBytes: 2 ** 20,
      format: 'qcow2',
    });
    expect(vol).toMatchObject({ pool, name: 'a.qcow2', format: 'qcow2', capacityBytes: 2 ** 20 });
    const clone = await peer.request('volume.clone', {
      pool,
      name: 'b.qcow2',
      source: { pool, name: 'a.qcow2' },
    });
    expect(clone).toMatchObject({ pool, name: 'b.qcow2', format: 'qcow2' });
    const { volumes } = await peer.request('volume.list', { name: pool });
    expect(volumes.map((v) => v.name).sort()).toEqual(['a.qcow2', 'b.qcow2']);
    expect(
      (await rpcError(peer.request('volume.resize', { pool, name: 'a.qcow2', capacityBytes: 1 }))).code,
    ).toBe('CONFLICT');
    // The test driver has no virStream: the upload fails as libvirt says, it is not faked.
    const upload = peer.openStream('volume.upload', { pool, name: 'a.qcow2', lengthBytes: 4 });
    void upload.outgoing.from([new Uint8Array(4)]).catch(() => {});
    expect((await rpcError(upload.result)).code).toBe('LIBVIRT_ERROR');

    expect(await peer.request('volume.delete', { pool, name: 'b.qcow2' })).toEqual({});
    expect(await peer.request('volume.delete', { pool, name: 'a.qcow2' })).toEqual({});
    expect(await peer.request('pool.delete', { name: pool })).toEqual({});
    expect((await rpcError(peer.request('pool.info', { name: pool }))).code).toBe('NOT_FOUND');
  });

  test('50 parallel requests all answer while heartbeats keep flowing', async () => {
    const before = hub.heartbeats.length;
    const pings = await Promise.all(
      Array.from({ length: 50 }, (_, i) => peer.request('ping', { nonce: String(i) })),
    );
    expect(pings.map((p) => p.nonce)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    await hub.waitFor(() => hub.heartbeats.length > before, 3000, 'a heartbeat');
  });
});
