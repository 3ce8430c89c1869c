// VM start through Paddock vs libvirt directly, in one run on qemu:///system (TCG).
//  1. POST /api/vms/{id}/start → status `running` seen on the live event stream (/api/events),
//     against a direct virDomainCreate (agent's bun:ffi binding) of the same kind of domain: p50
//     ratio over BENCH_ROUNDS (10) settled rounds after BENCH_WARMUP (5) unmeasured ones.
//  2. 20 VMs created and started concurrently through the API, against the raw libvirt sequence
//     (define + create, one after another) of 20 identical domains.
// Usage: PADDOCK_LOG_LEVEL=warn bun bench/vm-start.ts   (needs libvirtd: scripts/deps-libvirt.sh)
import { Libvirt } from '../agent/src/libvirt/index.ts';
import { startLivenessSweeper } from '../appliance/src/agents/liveness.ts';
import { domainXml } from '../appliance/src/libvirt-xml/domain-xml.ts';
import { spawnAgent } from '../appliance/test/support/real-agent.ts';
import { createTestApp } from '../appliance/test/support/test-app.ts';
import { fmt, percentile } from './support.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const FLEET = Number(process.env.BENCH_FLEET ?? 20);
const tag = `pdb${Date.now().toString(36).slice(-5)}`;

const sh = (cmd: string[]) => Bun.spawnSync(cmd).stdout.toString();
function cleanup() {
  for (const name of sh(['virsh', '-c', 'qemu:///system', 'list', '--all', '--name']).split('\n')) {
    if (!name.startsWith(tag)) continue;
    Bun.spawnSync(['virsh', '-c', 'qemu:///system', 'destroy', name]);
    Bun.spawnSync(['virsh', '-c', 'qemu:///system', 'undefine', name]);
  }
}

const spec = (name: string) => ({
  uuid: crypto.randomUUID(),
  name,
  vcpu: 1,
  memoryMb: 64,
  virtType: 'qemu' as const,
  disks: [],
  nics: [],
});

async function main() {
  const t = await createTestApp('postgres', {
    PADDOCK_HEARTBEAT_INTERVAL_MS: '2000',
    PADDOCK_CPU_OVERCOMMIT: '16',
  });
  t.app.listen({ hostname: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${t.app.server!.port}`;
  const stopSweeper = startLivenessSweeper(t.services.sessions, t.ctx.logger, 30_000);
  t.services.worker.start();
  const { accessToken: token } = await t.login();
  const api = async (method: string, path: string, body?: unknown) =>
    (await t.request(method, path, { token, ...(body !== undefined && { body }) })).json;
  const agent = spawnAgent(base, (await api('POST', '/api/nodes/enrollment-tokens', {})).token);
  const conn = await Libvirt.open('qemu:///system', { workers: 2 });
  try {
    while (!(await api('GET', '/api/nodes?status=online')).items.length) await Bun.sleep(100);
    // Status changes arrive on the live event stream (what the console uses), so waiting for
    // `running` costs the appliance nothing, unlike polling.
    const statuses = new Map<string, string>();
    const waiters = new Set<() => void>();
    const events = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    void (async () => {
      let buffer = '';
      // The stream ends with the server at the end of the run.
      try {
        for await (const chunk of events.body!) {
          buffer += new TextDecoder().decode(chunk);
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (block.startsWith('event: vm') && data) {
              const event = JSON.parse(data) as { id: string; data: { status?: string } };
              if (event.data.status) statuses.set(event.id, event.data.status);
              for (const wake of waiters) wake();
            }
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {}
    })();
    const waitStatus = (id: string, status: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (statuses.get(id) !== status) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    const waitTask = async (id: string) => {
      for (;;) {
        const task = await api('GET', `/api/tasks/${id}`);
        if (task.status === 'succeeded') return;
        if (task.status === 'failed') throw new Error(JSON.stringify(task.error));
        await Bun.sleep(10);
      }
    };
    const createVm = async (name: string) => {
      const { vm, task } = await api('POST', '/api/vms', {
        name,
        vcpu: 1,
        memoryMb: 64,
        disks: [],
        nics: [],
      });
      await waitTask(task.id);
      return vm.id as string;
    };
    const stopVm = async (id: string) => waitTask((await api('POST', `/api/vms/${id}/stop`)).task.id);

    // 1. One start at a time, alternating Paddock and raw libvirt.
    const paddockMs: number[] = [];
    const rawMs: number[] = [];
    const vmId = await createVm(`${tag}-api`);
    const raw = await conn.defineDomainXML(domainXml(spec(`${tag}-raw`)));
    // Unmeasured warm-up rounds: a long-running appliance runs these code paths JIT-compiled; the
    // first few starts run them in the interpreter (the raw path is native code throughout).
    for (let round = -WARMUP; round < ROUNDS; round++) {
      // Let the previous stop's trailing events and writes settle: each start is timed alone.
      await Bun.sleep(500);
      statuses.set(vmId, 'pending');
      let t0 = performance.now();
      await api('POST', `/api/vms/${vmId}/start`);
      await waitStatus(vmId, 'running');
      if (round >= 0) paddockMs.push(performance.now() - t0);
      await stopVm(vmId);
      await Bun.sleep(500);
      t0 = performance.now();
      await raw.create();
      if (round >= 0) rawMs.push(performance.now() - t0);
      await raw.destroy();
    }
    paddockMs.sort((a, b) => a - b);
    rawMs.sort((a, b) => a - b);

    // 2. A fleet: concurrent create+start through the API vs the raw sequence.
    let t0 = performance.now();
    const ids = await Promise.all(Array.from({ length: FLEET }, (_, i) => createVm(`${tag}-f${i}`)));
    await Promise.all(ids.map((id) => api('POST', `/api/vms/${id}/start`)));
    await Promise.all(ids.map((id) => waitStatus(id, 'running')));
    const fleetPaddock = performance.now() - t0;
    // The fleet must be gone (its 20 TCG guests burn the CPUs) before the raw sequence runs.
    await Promise.all(ids.map(async (id) => waitTask((await api('DELETE', `/api/vms/${id}`)).task.id)));
    await Bun.sleep(500);
    t0 = performance.now();
    for (let i = 0; i < FLEET; i++)
      await (await conn.defineDomainXML(domainXml(spec(`${tag}-r${i}`)))).create();
    const fleetRaw = performance.now() - t0;

    console.log(`\nVM start on qemu:///system (TCG, diskless 64 MiB domain), ${ROUNDS} rounds`);
    console.log(
      `  Paddock POST start → running via API  p50 ${fmt(percentile(paddockMs, 50), 0)} ms  max ${fmt(paddockMs.at(-1)!, 0)} ms` +
        `   | raw virDomainCreate p50 ${fmt(percentile(rawMs, 50), 0)} ms max ${fmt(rawMs.at(-1)!, 0)} ms` +
        `   | ratio p50 ${fmt(percentile(paddockMs, 50) / percentile(rawMs, 50))}x`,
    );
    console.log(
      `\n${FLEET} VMs created and started concurrently through the API: ${fmt(fleetPaddock / 1000, 1)} s` +
        `   | raw define+create sequence: ${fmt(fleetRaw / 1000, 1)} s   | ratio ${fmt(fleetPaddock / fleetRaw)}x`,
    );
  } finally {
    cleanup();
    await conn.close();
    await agent.stop();
    stopSweeper();
    await t.services.worker.stop();
    await t.app.stop(true);
    await t.close();
  }
}

await main();
process.exit(0);
