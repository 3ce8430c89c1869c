/**
 * Proves the agent's event loop stays free while libvirt works: a 50 ms interval (standing in for
 * the heartbeat) runs on the main thread while 20 real domains are started and destroyed on
 * qemu:///system, and its largest gap must stay small. Needs libvirtd (see libvirt-qemu.test.ts).
 */
import { afterAll, describe, expect, test } from 'bun:test';
import type { Domain } from '../src/libvirt/index.ts';
import {
  probeQemu,
  qemuSkipped,
  removeTestDomains,
  requireQemu,
  sweepStale,
  tinyDomainXML,
  uniqueName,
} from './fixtures/libvirt.ts';

const DOMAINS = 20;
const TICK_MS = 50;
/** Measured here (2 cores, TCG): gap p99 ~56 ms, max ~100 ms over ~45 s. 250 ms leaves room for a loaded machine while
 * still failing loudly if a single blocking create (~0.4–1.6 s) or destroy (>1 s) leaked onto this thread. */
const MAX_GAP_MS = 250;

const probe = await probeQemu(2);
if (probe.ok) await sweepStale(probe.conn);
const skip = qemuSkipped(probe, 'libvirt-event-loop');
const prefix = uniqueName('loop');

afterAll(async () => {
  if (!probe.ok) return;
  await removeTestDomains(probe.conn, prefix);
  await probe.conn.close();
});

describe.skipIf(skip)('main event loop under libvirt load', () => {
  test(`a ${TICK_MS} ms timer keeps ticking while ${DOMAINS} domains start and stop`, async () => {
    const conn = requireQemu(probe);
    const gaps: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, TICK_MS);
    const t0 = performance.now();
    const timings: { create: number; destroy: number }[] = [];
    try {
      // Two lanes, one per worker: the pool is kept busy the whole time.
      const lane = async (lane: number) => {
        for (let i = lane; i < DOMAINS; i += 2) {
          const dom: Domain = await conn.defineDomainXML(tinyDomainXML(`${prefix}-${i}`));
          try {
            let t = performance.now();
            await dom.create();
            const create = performance.now() - t;
            t = performance.now();
            await dom.destroy();
            timings.push({ create, destroy: performance.now() - t });
          } finally {
            await dom.undefine();
          }
        }
      };
      await Promise.all([lane(0), lane(1)]);
    } finally {
      clearInterval(timer);
    }
    const total = performance.now() - t0;
    const sorted = [...gaps].sort((a, b) => a - b);
    const maxGap = sorted[sorted.length - 1] ?? Infinity;
    const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? Infinity;
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    console.log(
      `${timings.length} start/stop cycles in ${(total / 1000).toFixed(1)} s; ` +
        `create avg ${avg(timings.map((t) => t.create)).toFixed(0)} ms, destroy avg ${avg(timings.map((t) => t.destroy)).toFixed(0)} ms; ` +
        `${gaps.length} ticks, gap p99 ${p99.toFixed(1)} ms, max ${maxGap.toFixed(1)} ms`,
    );
    expect(timings.length).toBe(DOMAINS);
    expect(gaps.length).toBeGreaterThan(total / TICK_MS / 2);
    // A call run on the main thread would stall the timer for as long as the call itself: the
    // quickest domain start of this run is the bound, so a loaded machine (slower starts, and
    // scheduling hiccups of their own) is judged against its own figures, not a fixed number.
    const quickestCreate = Math.min(...timings.map((t) => t.create));
    expect(maxGap).toBeLessThan(Math.max(MAX_GAP_MS, quickestCreate));
  }, 240_000);
});
