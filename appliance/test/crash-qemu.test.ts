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
import { apiSession, waitHealthy } from './support/served-app.ts';
import { freshDatabase } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

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
    let appliance = serve();
    cleanups.push(() => appliance.kill('SIGKILL'));
    await waitHealthy(base, appliance);
    const { api } = await apiSession(base, 'admin', 'crash-Admin-pass1');
    const agent = spawnAgent(base, (await api('POST', '/api/nodes/enrollment-tokens', {})).token);
    cleanups.push(() => agent.stop());
    const node = await waitFor<{ id: string }>(
      'node online',
      async () => (await api('GET', '/api/nodes?status=online')).items[0],
      30_000,
      { intervalMs: 100, context: () => `agent log:\n${agent.log().slice(-2000)}` },
    );
    expect(node).toBeDefined();
    const { pool, task: poolTask } = await api('POST', '/api/storage/pools', {
      name: `${tag}-pool`,
      type: 'dir',
      nodeId: node.id,
      path: POOL_DIR,
    });
    cleanups.push(() => {
      sh(['virsh', '-c', 'qemu:///system', 'pool-destroy', `${tag}-pool`]);
      sh(['virsh', '-c', 'qemu:///system', 'pool-undefine', `${tag}-pool`]);
    });
    await waitFor(
      'pool defined',
      async () => (await api('GET', `/api/tasks/${poolTask.id}`)).status === 'succeeded',
      30_000,
      { intervalMs: 100 },
    );

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
    // The test is about a task cut off mid-way: one still queued or already finished proves nothing.
    expect(statusAtKill).toBe('running');

    appliance = serve();
    await waitHealthy(base, appliance);
    const final = await waitFor(
      'the task finished after the restart',
      async () => {
        const t = await api('GET', `/api/tasks/${task.id}`);
        return ['succeeded', 'failed', 'cancelled'].includes(t.status) && t;
      },
      60_000,
      { intervalMs: 100 },
    );
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
    expect(
      final.events.some((e: { message: string }) => e.message.includes("previous worker's lease expired")),
    ).toBe(true);
  },
  180_000,
);
