/**
 * libvirtd restarts under a live binding: call workers and the event subscription reconnect by
 * themselves. Kills the local libvirtd, so it runs only where that is acceptable:
 * PADDOCK_LIBVIRT_RESTART_TEST=1, which scripts/test.sh exports whenever it runs as root (it started
 * the daemon through scripts/deps-libvirt.sh and can start it again), whatever the CI runner exports.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import {
  probeQemu,
  QEMU_URI,
  qemuSkipped,
  requireQemu,
  tinyDomainXML,
  uniqueName,
} from './fixtures/libvirt.ts';

const probe = await probeQemu(2);
const allowed = process.env.PADDOCK_LIBVIRT_RESTART_TEST === '1';
const local = QEMU_URI === 'qemu:///system';
const skip = qemuSkipped(probe, 'libvirt-restart') || !allowed || !local;
if (!allowed || !local) {
  console.warn(
    '[libvirt-restart] SKIPPED: restarts the local libvirtd; set PADDOCK_LIBVIRT_RESTART_TEST=1 to run (scripts/test.sh does as root)',
  );
}

afterAll(async () => {
  if (probe.ok) await probe.conn.close();
});

async function restartLibvirtd(): Promise<void> {
  const pid = Number((await Bun.$`pgrep -x libvirtd`.text()).trim());
  expect(pid).toBeGreaterThan(0);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    await Bun.sleep(100);
    if ((await Bun.$`pgrep -x libvirtd`.nothrow().quiet()).exitCode !== 0) break;
  }
  const root = new URL('../../', import.meta.url).pathname;
  await Bun.$`bash ${root}scripts/deps-libvirt.sh`.quiet();
}

describe.skipIf(skip)('libvirtd restart', () => {
  test('calls and events work again after the daemon restarts', async () => {
    const conn = requireQemu(probe);
    const events = await conn.events();
    let reconnects = 0;
    events.onReconnect(() => reconnects++);
    try {
      expect((await conn.hostInfo()).hypervisorType).toBe('QEMU');
      await restartLibvirtd();
      // Every worker's first call after the restart hits the dead socket and must recover by itself.
      const results = await Promise.all([conn.listAllDomains(), conn.hostInfo(), conn.listAllStoragePools()]);
      expect(results[1].hypervisorType).toBe('QEMU');
      // Events between the daemon's return and the subscription's reconnect are lost by nature;
      // onReconnect is the cue to re-read state, and the point from which events flow again.
      for (let i = 0; i < 100 && reconnects === 0; i++) await Bun.sleep(100);
      expect(reconnects).toBe(1);
      const dom = await conn.defineDomainXML(tinyDomainXML(uniqueName('restart')));
      await dom.undefine();
      const undefined_ = await events.waitFor((e) => e.uuid === dom.uuid && e.event === 'undefined', 10_000);
      expect(undefined_.detail).toBe('removed');
    } finally {
      await events.close();
    }
  }, 60_000);
});
