// A large image upload streamed through the appliance to the node, in one run:
//  - throughput against `virsh vol-upload` of the same file into the same pool;
//  - the appliance's peak RSS growth (sampled from /proc every 20 ms) for a first and a second
//    upload, against the floor: a bare Bun.serve reading the same body and dropping it.
// Usage: bun bench/upload-rss.ts  (BENCH_UPLOAD_GIB, default 4; needs dist/paddock and libvirtd).
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnAgent } from '../appliance/test/support/real-agent.ts';
import { apiSession, waitHealthy } from '../appliance/test/support/served-app.ts';
import { freshDatabase } from '../appliance/test/support/test-app.ts';
import { fmt } from './support.ts';

const GIB = Number(process.env.BENCH_UPLOAD_GIB ?? 4);
const SIZE = Math.round(GIB * 1024 ** 3);
const tag = `pdu${Date.now().toString(36).slice(-5)}`;
const POOL_DIR = `/var/lib/libvirt/images/${tag}`;
const FILE = `/var/tmp/${tag}.img`;
const PORT = 19900;
const base = `http://127.0.0.1:${PORT}`;

// Runtime memory knobs (BUN_JSC_*, MIMALLOC_*) given to the bench reach the appliance and the floor.
const runtimeKnobs = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k.startsWith('BUN_JSC_') || k.startsWith('MIMALLOC_')),
) as Record<string, string>;

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

async function main() {
  // Random bytes so nothing along the way can shortcut runs of zeros.
  Bun.spawnSync([
    'dd',
    'if=/dev/urandom',
    `of=${FILE}`,
    'bs=1M',
    `count=${Math.round(SIZE / 1024 ** 2)}`,
    'status=none',
  ]);
  mkdirSync(POOL_DIR, { recursive: true });
  const db = await freshDatabase('postgres');
  const app = Bun.spawn(
    [
      join(import.meta.dir, '..', 'dist', 'paddock'),
      'serve',
      '--data',
      db.dataDir,
      '--port',
      String(PORT),
      '--host',
      '127.0.0.1',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        ...db.env,
        PADDOCK_ADMIN_PASSWORD: 'upload-Bench-1',
        PADDOCK_LOG_LEVEL: 'warn',
        ...runtimeKnobs,
      },
      stdout: 'ignore',
      stderr: 'inherit',
    },
  );
  let agent: ReturnType<typeof spawnAgent> | undefined;
  let floor: ReturnType<typeof Bun.spawn> | undefined;
  try {
    await waitHealthy(base, app, 60_000);
    const { accessToken, api } = await apiSession(base, 'admin', 'upload-Bench-1');
    agent = spawnAgent(base, (await api('POST', '/api/nodes/enrollment-tokens', {})).token);
    let node: { id: string } | undefined;
    while (!node) {
      node = (await api('GET', '/api/nodes?status=online')).items[0];
      await Bun.sleep(100);
    }
    const { pool, task } = await api('POST', '/api/storage/pools', {
      name: `${tag}-pool`,
      type: 'dir',
      nodeId: node.id,
      path: POOL_DIR,
    });
    while ((await api('GET', `/api/tasks/${task.id}`)).status !== 'succeeded') await Bun.sleep(100);

    const uploadTo = (url: string, token?: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          ...(token && { authorization: `Bearer ${token}` }),
          'content-type': 'application/octet-stream',
          'content-length': String(SIZE),
        },
        body: Bun.file(FILE),
      });
    const measured = async (pid: number, send: () => Promise<Response>) => {
      const before = rssOf(pid);
      let peak = before;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssOf(pid));
      }, 20);
      const t0 = performance.now();
      const res = await send();
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
      const { volume } = (await res.json()) as { volume?: { path: string } };
      // The appliance's answer carries the volume: its bytes must be the file's.
      if (volume && Bun.spawnSync(['cmp', '-s', FILE, volume.path]).exitCode !== 0)
        throw new Error(`${volume.path} differs from ${FILE}`);
      return { seconds, growthMiB: (Math.max(peak, rssOf(pid)) - before) / 2 ** 20 };
    };
    const viaPaddock = [1, 2].map(() => ({ seconds: 0, growthMiB: 0 }));
    for (const [i, name] of ['big', 'big2'].entries()) {
      viaPaddock[i] = await measured(app.pid, () =>
        uploadTo(`${base}/api/storage/pools/${pool.id}/upload?name=${name}&format=raw`, accessToken),
      );
    }

    // The floor: a bare Bun server receiving the same body twice.
    floor = Bun.spawn([process.execPath, join(import.meta.dir, 'upload-floor-server.ts')], {
      env: { ...process.env, ...runtimeKnobs },
      stdout: 'pipe',
      stderr: 'inherit',
    });
    const { value } = await (floor.stdout as ReadableStream<Uint8Array>).getReader().read();
    const floorUrl = `http://127.0.0.1:${new TextDecoder().decode(value).trim()}/`;
    const floorPid = floor.pid;
    const bare = [
      await measured(floorPid, () => uploadTo(floorUrl)),
      await measured(floorPid, () => uploadTo(floorUrl)),
    ];

    Bun.spawnSync([
      'virsh',
      '-c',
      'qemu:///system',
      'vol-create-as',
      `${tag}-pool`,
      'raw-baseline',
      String(SIZE),
      '--format',
      'raw',
    ]);
    const t0 = performance.now();
    Bun.spawnSync([
      'virsh',
      '-c',
      'qemu:///system',
      'vol-upload',
      '--pool',
      `${tag}-pool`,
      'raw-baseline',
      FILE,
    ]);
    const viaVirsh = (performance.now() - t0) / 1000;

    const mib = SIZE / 2 ** 20;
    console.log(`\nUpload of ${GIB} GiB (random bytes) into a dir pool on qemu:///system`);
    for (const [i, run] of viaPaddock.entries()) {
      console.log(
        `  through the appliance, upload ${i + 1}: ${fmt(run.seconds, 1)} s (${fmt(mib / run.seconds, 0)} MiB/s)` +
          `   | virsh vol-upload: ${fmt(viaVirsh, 1)} s (${fmt(mib / viaVirsh, 0)} MiB/s)   | time ratio ${fmt(run.seconds / viaVirsh)}x`,
      );
    }
    for (const [i, run] of viaPaddock.entries()) {
      console.log(
        `  peak RSS growth, upload ${i + 1}: appliance +${fmt(run.growthMiB, 1)} MiB` +
          `   | bare Bun.serve reading the same body: +${fmt(bare[i]!.growthMiB, 1)} MiB` +
          `   | difference ${fmt(run.growthMiB - bare[i]!.growthMiB, 1)} MiB`,
      );
    }
  } finally {
    floor?.kill();
    await agent?.stop();
    app.kill('SIGTERM');
    await app.exited;
    for (const vol of ['big.raw', 'big2.raw', 'raw-baseline'])
      Bun.spawnSync(['virsh', '-c', 'qemu:///system', 'vol-delete', '--pool', `${tag}-pool`, vol]);
    Bun.spawnSync(['virsh', '-c', 'qemu:///system', 'pool-destroy', `${tag}-pool`]);
    Bun.spawnSync(['virsh', '-c', 'qemu:///system', 'pool-undefine', `${tag}-pool`]);
    await db.drop();
    rmSync(POOL_DIR, { recursive: true, force: true });
    rmSync(FILE, { force: true });
  }
}

await main();
process.exit(0);
