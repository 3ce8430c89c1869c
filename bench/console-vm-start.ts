// Start from the console: a click on the row's Start in the VM list (Chromium) → "running" shown in
// that row, pushed by the live events, against `virsh start` of the same domain, in one run on
// qemu:///system (TCG) with a real agent. Rounds alternate the two; each is timed alone.
// Usage: PADDOCK_LOG_LEVEL=warn bun bench/console-vm-start.ts   (needs web/dist and libvirtd:
// scripts/build.sh, scripts/deps-libvirt.sh; BENCH_ROUNDS, default 8, after one unmeasured round)
import type { Page } from '@playwright/test';
import { spawnAgent } from '../appliance/test/support/real-agent.ts';
import { launchChromium, median, signedInContext, startAppliance } from './console-support.ts';
import { fmt } from './support.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const name = `pdc${Date.now().toString(36).slice(-5)}-start`;
const virsh = (...args: string[]) => {
  const run = Bun.spawnSync(['virsh', '-c', 'qemu:///system', ...args]);
  if (run.exitCode !== 0) throw new Error(`virsh ${args.join(' ')}: ${run.stderr.toString()}`);
};

/** The row's state as the page shows it, once it is `state` (resolved in the page, no polling). */
function shown(page: Page, state: string): Promise<number> {
  return page.evaluate(
    ({ name, state }) =>
      new Promise<number>((resolve, reject) => {
        const done = () => {
          const tag = document.querySelector(`[id="vm-row-${name}"] pd-state-tag [data-state]`);
          if (tag?.getAttribute('data-state') !== state) return false;
          resolve(performance.now());
          return true;
        };
        if (done()) return;
        const observer = new MutationObserver(() => done() && observer.disconnect());
        observer.observe(document.body, { childList: true, subtree: true, attributes: true });
        setTimeout(() => reject(new Error(`${name} not ${state} in 60 s`)), 60_000);
      }),
    { name, state },
  );
}

async function main() {
  const app = await startAppliance('postgres', { PADDOCK_HEARTBEAT_INTERVAL_MS: '2000' });
  const agent = spawnAgent(app.base, (await app.api('POST', '/api/nodes/enrollment-tokens', {})).token);
  const browser = await launchChromium();
  try {
    while (!(await app.api('GET', '/api/nodes?status=online')).items.length) await Bun.sleep(100);
    const { vm, task } = await app.api('POST', '/api/vms', {
      name,
      vcpu: 1,
      memoryMb: 64,
      disks: [],
      nics: [],
    });
    for (;;) {
      const t = await app.api('GET', `/api/tasks/${task.id}`);
      if (t.status === 'succeeded') break;
      if (t.status === 'failed') throw new Error(JSON.stringify(t.error));
      await Bun.sleep(50);
    }
    const context = await signedInContext(browser, app.base, app.tokens);
    const page = await context.newPage();
    await page.goto(`/vms?q=${name}`);
    await shown(page, 'stopped');
    const ui: number[] = [];
    const raw: number[] = [];
    for (let round = -1; round < ROUNDS; round++) {
      await Bun.sleep(500);
      const clicked = await page.evaluate((id) => {
        const button = document.querySelector<HTMLElement>(`[id="${id}"]`);
        const t = performance.now();
        button!.click();
        return t;
      }, `vm-start-${name}`);
      const running = await shown(page, 'running');
      if (round >= 0) ui.push(running - clicked);
      await app.api('POST', `/api/vms/${vm.id}/stop`);
      await shown(page, 'stopped');
      await Bun.sleep(500);
      const t0 = performance.now();
      virsh('start', name);
      if (round >= 0) raw.push(performance.now() - t0);
      // Paddock sees that start too; the next round begins from a stopped VM it knows of.
      await shown(page, 'running');
      virsh('destroy', name);
      await shown(page, 'stopped');
    }
    await context.close();
    console.log(`\nVM start from the console (TCG, diskless 64 MiB domain), p50 of ${ROUNDS} rounds`);
    console.log(
      `  click Start → "running" in the row  p50 ${fmt(median(ui), 0)} ms (max ${fmt(Math.max(...ui), 0)})` +
        `   | virsh start of the same domain p50 ${fmt(median(raw), 0)} ms (max ${fmt(Math.max(...raw), 0)})` +
        `   | ratio ${fmt(median(ui) / median(raw))}x`,
    );
  } finally {
    Bun.spawnSync(['virsh', '-c', 'qemu:///system', 'destroy', name]);
    Bun.spawnSync(['virsh', '-c', 'qemu:///system', 'undefine', name]);
    await browser.close();
    await agent.stop();
    await app.close();
  }
}

await main();
process.exit(0);
