/**
 * kill -9 of the appliance process in the middle of a VM create on the real hypervisor: after a
 * restart on the same database the task finishes (or fails cleanly) and exactly one domain and the
 * VM's disks exist. The appliance and the agent run as real processes from source; PostgreSQL.
 */
import { afterAll, expect, test } from 'bun:test';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { spawnAgent } from './support/real-agent.ts';
import { freshDatabase } from './support/test-app.ts';

const MAIN = join(import.meta.dir, '..', 'src', 'main.ts');
const tag = `pdk${Date.now().toString(36).slice(-5)}`;
const POOL_DIR = `/var/lib/libvirt/images/paddock-test-${tag}`;
const sh = (cmd: string[]) => Bun.spawnSync(cmd).stdout.toString();
const reachable = Bun.spawnSync(['virsh', '-c', 'qemu:///system', 'version']).exitCode === 0;
if (!reachable && process.env.PADDOCK_SKIP_QEMU !== '1') {
  throw new Error(
    'libvirtd is not reachable at qemu:///system: run scripts/deps-libvirt.sh (or set PADDOCK_SKIP_QEMU=1 to skip)',
  );
}
if (!reachable) console.warn('[crash-qemu] SKIPPED: qemu:///system unreachable and PADDOCK_SKIP_QEMU=1');

const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

test.skipIf(!reachable)(
  'an appliance killed mid-task resumes it after restart without duplicates',
  async () => {
    const db = await freshDatabase('postgres');
    cleanups.push(db.drop);
    mkdirSync(POOL_DIR, { recursive: true });
    cleanups.push(() => rmSync(POOL_DIR, { recursive: true, force: true }));
    const port = 19500 + Math.floor(Math.random() * 300);
    const base = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      ...db.env,
      PADDOCK_ADMIN_PASSWORD: 'crash-Admin-pass1',
      PADDOCK_TASK_LEASE_MS: '2000',
      PADDOCK_LOG_LEVEL: 'warn',
    };
    const serve = () =>
      Bun.spawn(
        [
          process.execPath,
          MAIN,
          'serve',
          '--data',
          db.dataDir,
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
        ],
        { env, stdout: 'ignore', stderr: 'ignore' },
      );
    const healthy = async () => {
      for (let i = 0; i < 300; i++) {
        if (
          await fetch(`${base}/healthz`)
            .then((r) => r.ok)
            .catch(() => false)
        )
          return;
        await Bun.sleep(100);
      }
      throw new Error('appliance did not start');
    };
    let appliance = serve();
    cleanups.push(() => appliance.kill('SIGKILL'));
    await healthy();
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'crash-Admin-pass1' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const api = async (method: string, path: string, body?: unknown) =>
      (
        await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
      ).json() as Promise<any>;
    const agent = spawnAgent(base, (await api('POST', '/api/nodes/enrollment-tokens', {})).token);
    cleanups.push(() => agent.stop());
    let node: { id: string } | undefined;
    for (let i = 0; i < 300 && !node; i++) {
      node = (await api('GET', '/api/nodes?status=online')).items[0];
      if (!node) await Bun.sleep(100);
    }
    expect(node).toBeDefined();
    const { pool, task: poolTask } = await api('POST', '/api/storage/pools', {
      name: `${tag}-pool`,
      type: 'dir',
      nodeId: node!.id,
      path: POOL_DIR,
    });
    cleanups.push(() => {
      sh(['virsh', '-c', 'qemu:///system', 'pool-destroy', `${tag}-pool`]);
      sh(['virsh', '-c', 'qemu:///system', 'pool-undefine', `${tag}-pool`]);
    });
    for (let i = 0; i < 300 && (await api('GET', `/api/tasks/${poolTask.id}`)).status !== 'succeeded'; i++)
      await Bun.sleep(100);

    const { vm, task } = await api('POST', '/api/vms', {
      name: `${tag}-vm`,
      vcpu: 1,
      memoryMb: 128,
      disks: [
        { sizeGb: 1, poolId: pool.id },
        { sizeGb: 1, poolId: pool.id },
        { sizeGb: 1, poolId: pool.id },
      ],
      nics: [],
    });
    cleanups.push(() => {
      sh(['virsh', '-c', 'qemu:///system', 'destroy', `${tag}-vm`]);
      sh(['virsh', '-c', 'qemu:///system', 'undefine', `${tag}-vm`, '--remove-all-storage']);
    });
    // Kill the appliance as soon as the task is running, straight from the database's view.
    const watcher = new pg.Client({ connectionString: db.env.DATABASE_URL });
    await watcher.connect();
    cleanups.push(() => watcher.end());
    let statusAtKill = 'queued';
    for (let i = 0; i < 2000 && statusAtKill === 'queued'; i++) {
      statusAtKill = (await watcher.query('SELECT status FROM tasks WHERE id = $1', [task.id])).rows[0]
        .status;
    }
    appliance.kill('SIGKILL');
    await appliance.exited;

    appliance = serve();
    await healthy();
    let final = await api('GET', `/api/tasks/${task.id}`);
    for (let i = 0; i < 600 && !['succeeded', 'failed', 'cancelled'].includes(final.status); i++) {
      await Bun.sleep(100);
      final = await api('GET', `/api/tasks/${task.id}`);
    }
    console.log(
      `[crash-qemu] killed while the task was ${statusAtKill}; after the restart it ${final.status}`,
    );
    expect(['succeeded', 'failed']).toContain(final.status);
    const domains = sh(['virsh', '-c', 'qemu:///system', 'list', '--all', '--name'])
      .split('\n')
      .filter((n) => n === `${tag}-vm`);
    const files = sh(['virsh', '-c', 'qemu:///system', 'vol-list', `${tag}-pool`])
      .split('\n')
      .filter((l) => l.includes(`vm-${vm.id.slice(0, 8)}`));
    if (final.status === 'succeeded') {
      expect(domains).toHaveLength(1);
      expect(files).toHaveLength(3);
      expect((await api('GET', `/api/vms/${vm.id}`)).status).toBe('stopped');
    } else {
      // A clean failure undoes its work: nothing half-made is left on the node.
      expect(domains).toHaveLength(0);
      expect(files).toHaveLength(0);
    }
    if (statusAtKill === 'running' && final.status === 'succeeded') {
      expect(
        final.events.some((e: { message: string }) => e.message.includes("previous worker's lease expired")),
      ).toBe(true);
    }
  },
  180_000,
);
