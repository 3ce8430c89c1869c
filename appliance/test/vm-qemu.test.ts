/**
 * VMs end to end on the real hypervisor: the appliance (in process, on a port), the real agent
 * (child process) on qemu:///system, and a tiny Linux guest ISO booting under TCG. Through the API:
 * upload the ISO, create a VM with a disk and the ISO, start it, read the guest's boot line through
 * the serial console WebSocket, change its state with virsh and watch Paddock follow, stop, delete.
 * Needs libvirtd (scripts/deps-libvirt.sh) and the ISO (scripts/build-test-iso.sh); without libvirtd
 * it fails unless PADDOCK_SKIP_QEMU=1, which turns it into a named skip.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startLivenessSweeper } from '../src/agents/liveness.ts';
import { spawnAgent } from './support/real-agent.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { waitFor as waitUntil } from './support/wait.ts';

const ROOT = join(import.meta.dir, '..', '..');
const ISO = join(ROOT, '.cache', 'test-guest.iso');
const tag = `pdt${Date.now().toString(36).slice(-5)}`;
const POOL_DIR = `/var/lib/libvirt/images/paddock-test-${tag}`;
const BRIDGE = `br${tag}`;

const sh = (cmd: string[]) => {
  const r = Bun.spawnSync(cmd);
  return { code: r.exitCode, out: r.stdout.toString() + r.stderr.toString() };
};

const reachable = sh(['virsh', '-c', 'qemu:///system', 'version']).code === 0;
if (!reachable && process.env.PADDOCK_SKIP_QEMU !== '1') {
  throw new Error(
    'libvirtd is not reachable at qemu:///system: run scripts/deps-libvirt.sh (or set PADDOCK_SKIP_QEMU=1 to skip)',
  );
}
if (!reachable) console.warn('[vm-qemu] SKIPPED: qemu:///system unreachable and PADDOCK_SKIP_QEMU=1');

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60000) =>
  waitUntil(what, fn, timeoutMs);

describe.skipIf(!reachable)('VMs on real QEMU through the API', () => {
  let t: TestApp;
  let base: string;
  let token: string;
  let agent: ReturnType<typeof spawnAgent>;
  let nodeId: string;
  let stopSweeper: () => void;

  const api = (method: string, path: string, body?: unknown) =>
    t.request(method, path, { token, ...(body !== undefined && { body }) });
  const taskDone = (id: string, timeoutMs = 120_000) =>
    waitFor(
      `task ${id}`,
      async () => {
        const task = (await api('GET', `/api/tasks/${id}`)).json;
        if (task.status === 'failed' || task.status === 'cancelled')
          throw new Error(
            `task ${task.type} ${task.status}: ${JSON.stringify(task.error)} ${JSON.stringify(task.events)}`,
          );
        return task.status === 'succeeded' && task;
      },
      timeoutMs,
    );
  const vmStatus = async (id: string) => (await api('GET', `/api/vms/${id}`)).json.status;

  beforeAll(async () => {
    if (sh(['bash', join(ROOT, 'scripts', 'build-test-iso.sh'), ISO]).code !== 0)
      throw new Error('could not build the test guest ISO');
    mkdirSync(POOL_DIR, { recursive: true });
    chmodSync(POOL_DIR, 0o755);
    sh(['ip', 'link', 'add', BRIDGE, 'type', 'bridge']);
    sh(['ip', 'link', 'set', BRIDGE, 'up']);
    t = await createTestApp('pglite', {
      PADDOCK_HEARTBEAT_INTERVAL_MS: '1000',
      PADDOCK_NODE_OFFLINE_AFTER_MS: '5000',
    });
    t.app.listen({ hostname: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${t.app.server!.port}`;
    stopSweeper = startLivenessSweeper(t.services.sessions, t.ctx.logger, 5000);
    t.services.worker.start();
    token = (await t.login()).accessToken;
    const enrollment = (await api('POST', '/api/nodes/enrollment-tokens', {})).json.token;
    agent = spawnAgent(base, enrollment);
    const node = await waitFor('node online', async () => {
      const list = (await api('GET', '/api/nodes?status=online')).json;
      return list.items[0];
    }).catch((e) => {
      throw new Error(`${e.message}\nagent log:\n${agent.log()}`);
    });
    nodeId = node.id;
  }, 180_000);

  afterAll(async () => {
    for (const name of sh(['virsh', '-c', 'qemu:///system', 'list', '--all', '--name']).out.split('\n')) {
      if (name.startsWith(`${tag}-`)) {
        sh(['virsh', '-c', 'qemu:///system', 'destroy', name]);
        sh(['virsh', '-c', 'qemu:///system', 'undefine', name, '--remove-all-storage']);
      }
    }
    await agent?.stop();
    stopSweeper?.();
    await t?.services.worker.stop();
    await t?.app.stop(true);
    await t?.close();
    sh(['virsh', '-c', 'qemu:///system', 'pool-destroy', `${tag}-pool`]);
    sh(['virsh', '-c', 'qemu:///system', 'pool-undefine', `${tag}-pool`]);
    sh(['ip', 'link', 'del', BRIDGE]);
    rmSync(POOL_DIR, { recursive: true, force: true });
  });

  test('the node reports the virt type it uses', async () => {
    const node = (await api('GET', `/api/nodes/${nodeId}`)).json;
    expect(node.virtType).toBe('qemu');
    expect(node.connected).toBe(true);
  });

  test('upload the ISO, create a VM with a disk and the ISO, boot it, read the serial console, follow virsh, delete', async () => {
    const pool = await api('POST', '/api/storage/pools', {
      name: `${tag}-pool`,
      type: 'dir',
      nodeId,
      path: POOL_DIR,
    });
    expect(pool.status).toBe(202);
    await taskDone(pool.json.task.id);
    const poolId = pool.json.pool.id;

    const size = statSync(ISO).size;
    const upload = await fetch(`${base}/api/storage/pools/${poolId}/upload?name=guest&format=iso`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(size),
      },
      body: Bun.file(ISO),
    });
    const uploadText = await upload.text();
    expect({ status: upload.status, body: upload.status === 201 ? '' : uploadText }).toEqual({
      status: 201,
      body: '',
    });
    const uploaded = JSON.parse(uploadText) as { volume: { id: string; status: string; path: string } };
    expect(uploaded.volume.status).toBe('ready');
    expect(statSync(uploaded.volume.path).size).toBe(size);

    const network = await api('POST', '/api/networks', {
      name: `${tag}-net`,
      type: 'bridge',
      bridge: BRIDGE,
    });
    expect(network.status).toBe(201);

    const preview = await api('POST', '/api/vms/placement-preview', {
      name: `${tag}-vm`,
      vcpu: 1,
      memoryMb: 1024 * 1024,
      disks: [],
      nics: [],
    });
    expect(preview.json.nodeId).toBeNull();
    expect(preview.json.candidates[0].reason).toMatch(/GiB free, needs 1024 GiB/);

    const created = await api('POST', '/api/vms', {
      name: `${tag}-vm`,
      vcpu: 1,
      memoryMb: 256,
      disks: [{ sizeGb: 1, poolId }],
      cdrom: { volumeId: uploaded.volume.id },
      nics: [{ networkId: network.json.id }],
    });
    expect({ status: created.status, error: created.json.error }).toEqual({ status: 202, error: undefined });
    const vmId = created.json.vm.id;
    expect(created.json.vm.nodeId).toBe(nodeId);
    await taskDone(created.json.task.id);
    expect(await vmStatus(vmId)).toBe('stopped');
    const xml = sh(['virsh', '-c', 'qemu:///system', 'dumpxml', `${tag}-vm`]).out;
    expect(xml).toContain(created.json.vm.nics[0].mac);
    expect(xml).not.toMatch(/<graphics[^>]*port=/);

    const started = await api('POST', `/api/vms/${vmId}/start`);
    expect(started.status).toBe(202);
    await taskDone(started.json.task.id);
    expect(await vmStatus(vmId)).toBe('running');
    // The same start run again (a retry after the agent acted, a worker that died after it):
    // QEMU answers "domain is already running", which means done.
    const rerun = await t.services.tasks.enqueue(t.ctx.db, {
      type: 'vm.start',
      payload: { vmId },
      createdBy: null,
      targetType: 'vm',
      targetId: vmId,
      maxAttempts: 1,
    });
    expect((await taskDone(rerun.id)).result).toMatchObject({ state: 'running' });
    expect(await vmStatus(vmId)).toBe('running');

    // The serial console through the appliance's WebSocket, as xterm.js would use it.
    const ticket = await api('POST', `/api/vms/${vmId}/console`, { type: 'serial' });
    expect(ticket.status).toBe(201);
    const ws = new WebSocket(`${base.replace('http', 'ws')}${ticket.json.url}`);
    ws.binaryType = 'arraybuffer';
    let screen = '';
    ws.onclose = (e) => {
      screen += `\n[console closed ${e.code} ${e.reason}]`;
    };
    ws.onmessage = (e) => {
      screen += typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data as ArrayBuffer);
    };
    await waitFor(
      'guest output on the serial console',
      async () => /PADDOCK-(GUEST-BOOTED|TICK)/.test(screen),
      90_000,
    ).catch((e) => {
      throw new Error(
        `${e.message}; console saw: ${screen.slice(-500)}\nagent log:\n${agent.log().slice(-3000)}`,
      );
    });
    // Typed as xterm.js sends keys: one text frame per key, digits included (the appliance once
    // turned the frame "1" into the number 1, and that into one zero byte).
    for (const key of 'echo paddock-$((19+23))\n') ws.send(key);
    await waitFor('the guest shell answered', async () => screen.includes('paddock-42'), 30_000);
    ws.close();
    const reused = new WebSocket(`${base.replace('http', 'ws')}${ticket.json.url}`);
    const refused = await new Promise<boolean>((resolve) => {
      reused.onopen = () => resolve(false);
      reused.onerror = () => resolve(true);
    });
    expect(refused).toBe(true);

    // Behind Paddock's back: virsh suspends, resumes, destroys; the API follows within seconds.
    sh(['virsh', '-c', 'qemu:///system', 'suspend', `${tag}-vm`]);
    await waitFor('paused via events', async () => (await vmStatus(vmId)) === 'paused', 15_000);
    sh(['virsh', '-c', 'qemu:///system', 'resume', `${tag}-vm`]);
    await waitFor('running via events', async () => (await vmStatus(vmId)) === 'running', 15_000);
    sh(['virsh', '-c', 'qemu:///system', 'destroy', `${tag}-vm`]);
    await waitFor('stopped via events', async () => (await vmStatus(vmId)) === 'stopped', 15_000);

    const start2 = await api('POST', `/api/vms/${vmId}/start`);
    await taskDone(start2.json.task.id);

    // VNC through the same port, as noVNC would open it: the RFB banner comes first.
    const vnc = await api('POST', `/api/vms/${vmId}/console`, { type: 'vnc' });
    const rfb = new WebSocket(`${base.replace('http', 'ws')}${vnc.json.url}`);
    rfb.binaryType = 'arraybuffer';
    const banner = await new Promise<string>((resolve, reject) => {
      rfb.onmessage = (e) => resolve(new TextDecoder().decode(e.data as ArrayBuffer));
      rfb.onclose = (e) => reject(new Error(`vnc closed ${e.code} ${e.reason}`));
    });
    expect(banner).toStartWith('RFB 003.00');
    rfb.close();

    // Graceful shutdown: the guest powers off on the ACPI button within the timeout.
    // The guest listens for the ACPI button once booted: wait for its second boot line in the
    // serial log the node keeps (appended across boots).
    const serialLog = `/var/log/libvirt/qemu/paddock-${created.json.vm.uuid}-serial.log`;
    await waitFor(
      'second boot in the serial log',
      async () => (await Bun.file(serialLog).text()).split('PADDOCK-GUEST-BOOTED').length > 2,
      120_000,
    );
    const shutdown = await api('POST', `/api/vms/${vmId}/shutdown`, { timeoutSec: 60, force: true });
    expect(shutdown.status).toBe(202);
    const shut = await taskDone(shutdown.json.task.id);
    expect(await vmStatus(vmId)).toBe('stopped');
    expect(shut.result).toEqual({ forced: false });

    // vCPUs and memory change while stopped: the domain is redefined on the node.
    const resized = await api('PATCH', `/api/vms/${vmId}`, { vcpu: 2, memoryMb: 384 });
    expect(resized.status).toBe(202);
    await taskDone(resized.json.task.id);
    const redefined = sh(['virsh', '-c', 'qemu:///system', 'dumpxml', `${tag}-vm`]).out;
    expect(redefined).toMatch(/<vcpu[^>]*>2<\/vcpu>/);
    expect(redefined).toContain(`<memory unit='KiB'>${384 * 1024}</memory>`);
    expect((await api('PATCH', `/api/vms/${vmId}`, { description: 'renamed nothing' })).status).toBe(200);

    // Snapshots: take, list, revert, delete.
    const snap = await api('POST', `/api/vms/${vmId}/snapshots`, {
      name: 'before-change',
      description: 'clean',
    });
    expect(snap.status).toBe(202);
    await taskDone(snap.json.task.id);
    const snaps = (await api('GET', `/api/vms/${vmId}/snapshots`)).json;
    expect(snaps).toEqual([expect.objectContaining({ name: 'before-change', status: 'ready' })]);
    expect(sh(['virsh', '-c', 'qemu:///system', 'snapshot-list', `${tag}-vm`, '--name']).out).toContain(
      'before-change',
    );
    await taskDone((await api('POST', `/api/vms/${vmId}/snapshots/${snaps[0].id}/revert`)).json.task.id);
    await taskDone((await api('DELETE', `/api/vms/${vmId}/snapshots/${snaps[0].id}`)).json.task.id);
    expect((await api('GET', `/api/vms/${vmId}/snapshots`)).json).toEqual([]);

    // Clones: a full copy and a linked overlay; the linked one boots.
    for (const mode of ['full', 'linked']) {
      const clone = await api('POST', `/api/vms/${vmId}/clone`, { name: `${tag}-${mode}`, mode });
      expect(clone.status).toBe(202);
      await taskDone(clone.json.task.id);
      expect(clone.json.vm.uuid).not.toBe(created.json.vm.uuid);
      expect(clone.json.vm.nics[0].mac).not.toBe(created.json.vm.nics[0].mac);
      expect(await vmStatus(clone.json.vm.id)).toBe('stopped');
      if (mode === 'linked') {
        await taskDone((await api('POST', `/api/vms/${clone.json.vm.id}/start`)).json.task.id);
        expect(await vmStatus(clone.json.vm.id)).toBe('running');
        const disk = (await api('GET', `/api/storage/volumes/${clone.json.vm.diskIds[0]}`)).json;
        expect(sh(['qemu-img', 'info', '-U', disk.path]).out).toContain('backing file');
      }
      await taskDone((await api('DELETE', `/api/vms/${clone.json.vm.id}?deleteDisks=true`)).json.task.id);
    }

    const deleted = await api('DELETE', `/api/vms/${vmId}?deleteDisks=true`);
    expect(deleted.status).toBe(202);
    await taskDone(deleted.json.task.id);
    expect((await api('GET', `/api/vms/${vmId}`)).status).toBe(404);
    expect(sh(['virsh', '-c', 'qemu:///system', 'dominfo', `${tag}-vm`]).code).not.toBe(0);
    const volumes = (await api('GET', `/api/storage/volumes?poolId=${poolId}`)).json.items;
    expect(volumes.map((v: { name: string }) => v.name)).toEqual(['guest']);
  }, 400_000);

  test('a worker that dies mid-task leaves a task the next one finishes, with no duplicate domain or volume', async () => {
    const pool = (await api('GET', '/api/storage/pools')).json.items[0];
    const created = await api('POST', '/api/vms', {
      name: `${tag}-crash`,
      vcpu: 1,
      memoryMb: 128,
      disks: [
        { sizeGb: 1, poolId: pool.id },
        { sizeGb: 1, poolId: pool.id },
      ],
      nics: [],
    });
    expect(created.status).toBe(202);
    const taskId = created.json.task.id;
    // "Kill" the worker as soon as it has claimed the task: a stopping worker undoes nothing and
    // keeps the lease, exactly as a crashed appliance would leave the row.
    await waitUntil(
      'claimed',
      async () => (await api('GET', `/api/tasks/${taskId}`)).json.status !== 'queued',
      30_000,
      { intervalMs: 5 },
    );
    await t.services.worker.stop();
    const midway = (await api('GET', `/api/tasks/${taskId}`)).json;
    // Only a task cut off mid-way tests the takeover; one that finished first would prove nothing.
    expect(midway.status).toBe('running');
    // The restarted appliance's worker takes it over once the dead one's lease has run out.
    await t.ctx.db
      .updateTable('tasks')
      .set({ lease_expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', taskId)
      .execute();
    t.services.worker.start();
    const done = await taskDone(taskId);
    expect(done.status).toBe('succeeded');
    expect(
      done.events.some((e: { message: string }) => e.message.includes("previous worker's lease expired")),
    ).toBe(true);
    const vm = (await api('GET', `/api/vms/${created.json.vm.id}`)).json;
    expect(vm.status).toBe('stopped');
    const domains = sh(['virsh', '-c', 'qemu:///system', 'list', '--all', '--name'])
      .out.split('\n')
      .filter((n) => n === `${tag}-crash`);
    expect(domains).toHaveLength(1);
    const files = sh(['virsh', '-c', 'qemu:///system', 'vol-list', `${tag}-pool`])
      .out.split('\n')
      .filter((l) => l.includes(`vm-${vm.id.slice(0, 8)}`));
    expect(files).toHaveLength(2);

    // Bulk: one parent task, one child per VM.
    const bulkStart = await api('POST', '/api/vms/bulk', { action: 'start', ids: [vm.id] });
    expect(bulkStart.status).toBe(202);
    const parent = await taskDone(bulkStart.json.task.id);
    expect(parent.result).toMatchObject({ succeeded: 1, failed: [] });
    const children = (await api('GET', `/api/tasks?parentId=${bulkStart.json.task.id}`)).json.items;
    expect(children).toEqual([
      expect.objectContaining({ type: 'vm.start', targetId: vm.id, status: 'succeeded' }),
    ]);
    expect(await vmStatus(vm.id)).toBe('running');
    await taskDone((await api('POST', '/api/vms/bulk', { action: 'stop', ids: [vm.id] })).json.task.id);
    expect(await vmStatus(vm.id)).toBe('stopped');
    await taskDone((await api('DELETE', `/api/vms/${vm.id}?deleteDisks=true`)).json.task.id);
  }, 200_000);

  test('a domain created with virsh appears as unmanaged and can be adopted', async () => {
    const name = `${tag}-rogue`;
    const xml = `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;
    const file = join(POOL_DIR, 'rogue.xml');
    await Bun.write(file, xml);
    expect(sh(['virsh', '-c', 'qemu:///system', 'define', file]).code).toBe(0);
    const vm = await waitFor(
      'unmanaged VM listed',
      async () => {
        const list = (await api('GET', '/api/vms?managed=false')).json;
        return list.items.find((v: { name: string }) => v.name === name);
      },
      90_000,
    );
    expect(vm).toMatchObject({ managed: false, memoryMb: 64, nodeId });
    expect((await api('POST', `/api/vms/${vm.id}/start`)).status).toBe(409);
    const adopted = await api('POST', `/api/vms/${vm.id}/adopt`);
    expect(adopted.json.managed).toBe(true);
    sh(['virsh', '-c', 'qemu:///system', 'undefine', name]);
    await waitFor('missing VM flagged', async () => (await vmStatus(vm.id)) === 'error', 30_000);
  }, 200_000);
});
