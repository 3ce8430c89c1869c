/**
 * Linked clones on the real hypervisor (issue 9, item 10), through the API with the real agent:
 * after a linked clone, writing to the source VM's disk does not change what the clone reads (the
 * source moved onto its own overlay; the base is frozen), and the base cannot be deleted or
 * attached while clones stand on it. Disks are written and read with qemu-io, no guest boots.
 * Everything lives in the test's own directory (a --pool-root QEMU can traverse) and is removed
 * afterwards. PADDOCK_SKIP_QEMU=1 turns "libvirtd unreachable" into a named skip.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnAgent } from './support/real-agent.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

const tag = `plc${Date.now().toString(36).slice(-5)}`;
const sh = (cmd: string[]) => {
  const r = Bun.spawnSync(cmd);
  return { code: r.exitCode, out: r.stdout.toString() + r.stderr.toString() };
};
const virsh = (...args: string[]) => sh(['virsh', '-c', 'qemu:///system', ...args]);

const reachable = virsh('version').code === 0;
if (!reachable && process.env.PADDOCK_SKIP_QEMU !== '1') {
  throw new Error('libvirtd is not reachable at qemu:///system (set PADDOCK_SKIP_QEMU=1 to skip)');
}
if (!reachable)
  console.warn('[linked-clone-qemu] SKIPPED: qemu:///system unreachable and PADDOCK_SKIP_QEMU=1');

/** qemu-io on a qcow2 file; `read -P` fails the command when the pattern does not match. */
const qemuIo = (file: string, command: string, readOnly = false) =>
  sh(['qemu-io', ...(readOnly ? ['-r'] : []), '-f', 'qcow2', '-c', command, file]);
const reads = (file: string, pattern: number) => {
  const r = qemuIo(file, `read -P 0x${pattern.toString(16)} 0 64k`, true);
  return r.code === 0 && !r.out.includes('Pattern verification failed');
};

describe.skipIf(!reachable)('linked clones on real QEMU', () => {
  const root = mkdtempSync('/tmp/paddock-linked-');
  let t: TestApp;
  let token: string;
  let agent: ReturnType<typeof spawnAgent>;
  const api = (method: string, path: string, body?: unknown) =>
    t.request(method, path, { token, ...(body !== undefined && { body }) });
  const taskDone = (id: string) =>
    waitFor(
      `task ${id}`,
      async () => {
        const task = (await api('GET', `/api/tasks/${id}`)).json;
        if (task.status === 'failed')
          throw new Error(`task ${task.type} failed: ${JSON.stringify(task.error)}`);
        return task.status === 'succeeded' && task;
      },
      120_000,
    );
  const diskPath = (xml: string) => /<source file='([^']+)'/.exec(xml)?.[1];

  beforeAll(async () => {
    chmodSync(root, 0o711);
    t = await createTestApp('pglite');
    t.app.listen({ hostname: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${t.app.server!.port}`;
    t.services.worker.start();
    token = (await t.login()).accessToken;
    const enrollment = (await api('POST', '/api/nodes/enrollment-tokens', {})).json.token;
    agent = spawnAgent(base, enrollment, 'qemu:///system', ['--pool-root', root]);
    await waitFor(
      'node online',
      async () => (await api('GET', '/api/nodes?status=online')).json.items[0],
      60_000,
    ).catch((e) => {
      throw new Error(`${e.message}\nagent log:\n${agent.log()}`);
    });
  }, 120_000);

  afterAll(async () => {
    for (const name of virsh('list', '--all', '--name').out.split('\n')) {
      if (name.startsWith(`${tag}-`)) virsh('undefine', name);
    }
    await agent?.stop();
    await t?.services.worker.stop();
    await t?.app.stop(true);
    await t?.close();
    virsh('pool-destroy', `${tag}-pool`);
    virsh('pool-undefine', `${tag}-pool`);
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  test("writing to the source after a linked clone leaves the clone's data alone; the base is protected", async () => {
    const nodeId = (await api('GET', '/api/nodes')).json.items[0].id;
    // A directory QEMU cannot traverse is refused at creation, with the reason.
    mkdirSync(`${root}/private`, { mode: 0o700 });
    const hidden = await api('POST', '/api/storage/pools', {
      name: `${tag}-hidden`,
      type: 'dir',
      nodeId,
      path: `${root}/private/pool`,
    });
    expect(hidden.status).toBe(422);
    expect(hidden.json.error.message).toContain('cannot reach');
    const pool = await api('POST', '/api/storage/pools', {
      name: `${tag}-pool`,
      type: 'dir',
      nodeId,
      path: `${root}/pool`,
    });
    expect(pool.status).toBe(202);
    await taskDone(pool.json.task.id);
    const created = await api('POST', '/api/vms', {
      name: `${tag}-src`,
      vcpu: 1,
      memoryMb: 64,
      disks: [{ sizeGb: 0.01, poolId: pool.json.pool.id }],
      nics: [],
    });
    expect(created.status).toBe(202);
    await taskDone(created.json.task.id);
    const sourceId = created.json.vm.id as string;
    const baseVolumeId = created.json.vm.diskIds[0] as string;
    const basePath = diskPath(virsh('dumpxml', `${tag}-src`).out)!;
    expect(qemuIo(basePath, 'write -P 0xaa 0 64k').code).toBe(0);

    const clone = await api('POST', `/api/vms/${sourceId}/clone`, { name: `${tag}-clone`, mode: 'linked' });
    expect(clone.status).toBe(202);
    await taskDone(clone.json.task.id);
    const clonePath = diskPath(virsh('dumpxml', `${tag}-clone`).out)!;
    const sourcePath = diskPath(virsh('dumpxml', `${tag}-src`).out)!;
    expect(reads(clonePath, 0xaa)).toBe(true);

    // What a running source guest would do to its disk.
    expect(qemuIo(sourcePath, 'write -P 0xbb 0 64k').code).toBe(0);
    expect(reads(sourcePath, 0xbb)).toBe(true);
    expect(reads(clonePath, 0xaa)).toBe(true);
    expect(sourcePath).not.toBe(basePath);

    const deleted = await api('DELETE', `/api/storage/volumes/${baseVolumeId}`);
    expect(deleted.status).toBe(409);
    expect(deleted.json.error.message).toContain(`${tag}-clone`);
    const attach = await api('POST', '/api/vms', {
      name: `${tag}-thief`,
      vcpu: 1,
      memoryMb: 64,
      disks: [{ volumeId: baseVolumeId }],
      nics: [],
    });
    expect(attach.status).toBe(422);

    // The clone goes first; the base stays under the source's overlay, then goes with it.
    await taskDone((await api('DELETE', `/api/vms/${clone.json.vm.id}?deleteDisks=true`)).json.task.id);
    expect((await api('GET', `/api/storage/volumes/${baseVolumeId}`)).status).toBe(200);
    expect(reads(sourcePath, 0xbb)).toBe(true);
    await taskDone((await api('DELETE', `/api/vms/${sourceId}?deleteDisks=true`)).json.task.id);
    expect((await api('GET', `/api/storage/volumes?poolId=${pool.json.pool.id}`)).json.total).toBe(0);
    expect((await api('GET', `/api/storage/volumes/${baseVolumeId}`)).status).toBe(404);
    expect(virsh('vol-list', `${tag}-pool`).out).not.toContain('.qcow2');
  }, 240_000);
});
