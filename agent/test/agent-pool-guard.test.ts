/**
 * The agent decides where pools live, whatever XML the appliance sends (issue 9, item 3): on the
 * real hypervisor, pools at system directories, outside the configured --pool-root, through `..`
 * or a symbolic link, or where QEMU cannot reach are refused; an existing directory keeps its mode;
 * a pool name libvirt already knows is never re-pointed; a host file never backs an overlay.
 * Nothing here is written outside the test's own directory (refused requests only define a pool
 * object, which is removed again). PADDOCK_SKIP_QEMU=1 turns "libvirtd unreachable" into a skip.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { type AppliancePeer, RpcError } from '@paddock/protocol';
import { Libvirt } from '../src/libvirt/index.ts';
import type { ApplianceStandIn } from './agent-fixtures/appliance-stand-in.ts';
import { type EnrolledAgent, startEnrolledAgent } from './agent-fixtures/enrolled-agent.ts';

const URI = 'qemu:///system';
const tag = `paddock-guard-${process.pid}-${Date.now().toString(36)}`;

let reachable = true;
try {
  await (await Libvirt.open(URI, { workers: 1 })).close();
} catch (error) {
  if (process.env.PADDOCK_SKIP_QEMU !== '1') {
    throw new Error(`libvirtd unreachable at ${URI} (${(error as Error).message}); set PADDOCK_SKIP_QEMU=1`);
  }
  reachable = false;
}

// The test's pool root: QEMU (uid 64055) must be able to traverse it, as in production.
const root = mkdtempSync('/tmp/paddock-pool-root-');
chmodSync(root, 0o711);
let rig: EnrolledAgent;
let hub: ApplianceStandIn;
let peer: AppliancePeer;
const defined = new Set<string>();

// The permissions the appliance's XML carries: libvirt's build applies them to the directory.
const poolXml = (name: string, path: string, extra = '') =>
  `<pool type='dir'><name>${name}</name>${extra}<target><path>${path}</path>` +
  '<permissions><mode>0711</mode></permissions></target></pool>';

/** Defines a pool through the agent, remembering the name for clean-up; the RpcError if refused. */
async function define(name: string, path: string, extra = ''): Promise<RpcError | undefined> {
  defined.add(name);
  return peer.request('pool.define', { xml: poolXml(name, path, extra) }).then(
    () => undefined,
    (error: unknown) => error as RpcError,
  );
}

async function poolNames(): Promise<string[]> {
  return (await peer.request('pool.list', {})).pools.map((p) => p.name);
}

beforeAll(async () => {
  if (!reachable) return;
  rig = startEnrolledAgent({ libvirt: URI, heartbeatIntervalMs: 500, args: ['--pool-root', root] });
  hub = rig.hub;
  await hub.waitFor(() => hub.registers[0], 20_000, 'register');
  peer = hub.peer as AppliancePeer;
}, 60_000);

afterAll(async () => {
  if (reachable) {
    for (const name of defined) await peer.request('pool.delete', { name }).catch(() => {});
    await rig.stop();
  }
  rmSync(root, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!reachable)('the agent guards pool paths', () => {
  test('register reports the pool roots', () => {
    expect(hub.registers[0]?.poolRoots).toEqual([root]);
  });

  test('system directories, paths outside the roots, .. and symbolic links are refused', async () => {
    mkdirSync(`${root}/links`);
    symlinkSync('/etc', `${root}/links/etc`);
    const etcMode = statSync('/etc').mode;
    const cases: Array<[string, string]> = [
      ['etc', '/etc'],
      ['proc', '/proc'],
      ['root', '/'],
      ['dotdot', `${root}/new/../../etc`],
      ['outside', '/var/tmp/paddock-guard-outside'],
      ['link', `${root}/links/etc/sub`],
      ['state', `${rig.dir}/state`],
    ];
    for (const [suffix, path] of cases) {
      const error = await define(`${tag}-${suffix}`, path);
      expect({ path, code: error?.code }).toEqual({ path, code: 'INVALID_PARAMS' });
    }
    const left = await poolNames();
    expect(cases.filter(([suffix]) => left.includes(`${tag}-${suffix}`))).toEqual([]);
    expect(statSync('/etc').mode).toBe(etcMode);
  });

  test('a directory QEMU cannot traverse is refused with the reason', async () => {
    mkdirSync(`${root}/private`, { mode: 0o700 });
    chmodSync(`${root}/private`, 0o700);
    const error = await define(`${tag}-private`, `${root}/private/pool`);
    expect(error?.code).toBe('INVALID_PARAMS');
    expect(error?.message).toContain('cannot reach');
    expect(await poolNames()).not.toContain(`${tag}-private`);
    const checked = await peer.request('pool.check', { path: `${root}/private/pool` });
    expect(checked.problem).toContain('cannot reach');
    expect(await peer.request('pool.check', { path: `${root}/fine` })).toEqual({});
  });

  test("building a pool on an existing directory keeps the directory's mode", async () => {
    mkdirSync(`${root}/existing`);
    chmodSync(`${root}/existing`, 0o755);
    expect(await define(`${tag}-existing`, `${root}/existing`)).toBeUndefined();
    const info = await peer.request('pool.start', { name: `${tag}-existing`, build: true });
    expect(info.state).toBe('running');
    expect(statSync(`${root}/existing`).mode & 0o777).toBe(0o755);
    expect(info.path).toBe(`${root}/existing`);
  });

  test('a pool libvirt already knows is never re-pointed by a new definition', async () => {
    expect(await define(`${tag}-known`, `${root}/known`)).toBeUndefined();
    const uuid = (await peer.request('pool.info', { name: `${tag}-known` })).uuid;
    const again = await define(`${tag}-known`, `${root}/elsewhere`);
    expect(again).toBeInstanceOf(RpcError);
    const withUuid = await define(`${tag}-known`, `${root}/elsewhere`, `<uuid>${uuid}</uuid>`);
    expect(withUuid?.code).toBe('INVALID_PARAMS');
    expect((await peer.request('pool.info', { name: `${tag}-known` })).path).toBe(`${root}/known`);
  });

  test('a host file cannot back an overlay volume', async () => {
    expect(await define(`${tag}-vols`, `${root}/vols`)).toBeUndefined();
    await peer.request('pool.start', { name: `${tag}-vols`, build: true });
    const error = await peer
      .request('volume.create', {
        pool: `${tag}-vols`,
        name: 'evil.qcow2',
        capacityBytes: 2 ** 20,
        format: 'qcow2',
        backingPath: '/etc/hostname',
      })
      .then(
        () => undefined,
        (e: unknown) => e as RpcError,
      );
    expect(error?.code).toBe('INVALID_PARAMS');
    const names = (await peer.request('volume.list', { name: `${tag}-vols` })).volumes.map((v) => v.name);
    expect(names).toEqual([]);
  });
});
