/**
 * The agent on the real hypervisor (qemu:///system): volume upload/download streams end to end
 * (the test driver has no virStream), and a diskless guest started with the virt type the agent
 * chose. Needs libvirtd; PADDOCK_SKIP_QEMU=1 turns "unreachable" into a named skip.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { type AppliancePeer, RpcError } from '@paddock/protocol';
import { Libvirt } from '../src/libvirt/index.ts';
import type { ApplianceStandIn } from './agent-fixtures/appliance-stand-in.ts';
import { type EnrolledAgent, startEnrolledAgent } from './agent-fixtures/enrolled-agent.ts';
import { tinyDomainXML } from './fixtures/libvirt.ts';

const URI = 'qemu:///system';
const tag = `paddock-agent-test-${process.pid}-${Date.now().toString(36)}`;

let reachable = true;
try {
  await (await Libvirt.open(URI, { workers: 1 })).close();
} catch (error) {
  if (process.env.PADDOCK_SKIP_QEMU !== '1') {
    throw new Error(
      `libvirtd unreachable at ${URI} (${(error as Error).message}); set PADDOCK_SKIP_QEMU=1 to skip`,
    );
  }
  console.warn(`[agent-qemu] SKIPPED: ${URI} unreachable and PADDOCK_SKIP_QEMU=1`);
  reachable = false;
}

let rig: EnrolledAgent;
let hub: ApplianceStandIn;
let peer: AppliancePeer;
let dir: string;
const pool = `${tag}-pool`;

beforeAll(async () => {
  if (!reachable) return;
  // The pools live in the test's own directory, which QEMU must be able to traverse.
  dir = mkdtempSync('/tmp/paddock-agent-qemu-');
  chmodSync(dir, 0o711);
  rig = startEnrolledAgent({ libvirt: URI, heartbeatIntervalMs: 500, args: ['--pool-root', dir] });
  ({ hub } = rig);
  await hub.waitFor(() => hub.registers[0], 20_000, 'register');
  peer = hub.peer as AppliancePeer;
}, 60_000);

afterAll(async () => {
  if (!reachable) return;
  await peer.request('pool.delete', { name: pool, deleteData: false }).catch(() => {});
  await rig.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!reachable)('agent on qemu:///system', () => {
  test('register reports QEMU and the virt type; a diskless guest starts with it', async () => {
    const facts = hub.registers[0];
    expect(facts?.qemuVersion).toMatch(/^\d+\.\d+\.\d+$/);
    const virtType = facts?.virtType as string;
    const xml = tinyDomainXML(`${tag}-vm`, { type: virtType });
    const { uuid } = await peer.request('domain.define', { xml });
    try {
      expect((await peer.request('domain.start', { uuid }, { timeoutMs: 60_000 })).state).toBe('running');
      const { stats } = await peer.request('domain.stats', { uuids: [uuid] });
      expect(stats[0]?.vcpus).toBe(1);
      expect((await peer.request('domain.destroy', { uuid }, { timeoutMs: 60_000 })).state).toBe('shutoff');
      await hub.waitFor(
        () => hub.events.some((e) => e.uuid === uuid && e.event === 'stopped'),
        10_000,
        'stopped event',
      );
    } finally {
      await peer.request('domain.destroy', { uuid }, { timeoutMs: 60_000 }).catch(() => {});
      await peer.request('domain.undefine', { uuid });
    }
  }, 120_000);

  test('volume upload then download returns the same bytes; a short upload is refused', async () => {
    await peer.request('pool.define', {
      xml: `<pool type='dir'><name>${pool}</name><target><path>${dir}/pool</path></target></pool>`,
    });
    await peer.request('pool.start', { name: pool, build: true });
    const size = 3 * 2 ** 20 + 12345;
    await peer.request('volume.create', { pool, name: 'disk.raw', capacityBytes: size, format: 'raw' });
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 12)) & 0xff;
    const chunks = Array.from({ length: Math.ceil(size / 262_144) }, (_, i) =>
      data.slice(i * 262_144, Math.min(size, (i + 1) * 262_144)),
    );

    const up = peer.openStream('volume.upload', { pool, name: 'disk.raw', lengthBytes: size });
    await up.outgoing.from(chunks);
    expect(await up.result).toEqual({ bytesWritten: size });

    const down = peer.openStream('volume.download', { pool, name: 'disk.raw' });
    const parts = await down.incoming.collect();
    expect(await down.result).toEqual({ bytesRead: size });
    expect(parts.every((p) => p.byteLength <= 262_144)).toBe(true);
    const back = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      back.set(p, at);
      at += p.byteLength;
    }
    expect(at).toBe(size);
    expect(Bun.hash(back)).toBe(Bun.hash(data));

    const ranged = peer.openStream('volume.download', {
      pool,
      name: 'disk.raw',
      offsetBytes: 1000,
      lengthBytes: 5000,
    });
    const slice = Buffer.concat(await ranged.incoming.collect());
    expect(Buffer.compare(slice, Buffer.from(data.subarray(1000, 6000)))).toBe(0);

    const short = peer.openStream('volume.upload', { pool, name: 'disk.raw', lengthBytes: 100 });
    await short.outgoing.from([new Uint8Array(10)]).catch(() => {});
    const error = await short.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe('INVALID_PARAMS');

    const vol = await peer.request('volume.resize', { pool, name: 'disk.raw', capacityBytes: size * 2 });
    expect(vol.capacityBytes).toBe(size * 2);
    await peer.request('volume.delete', { pool, name: 'disk.raw' });
  }, 120_000);
});
