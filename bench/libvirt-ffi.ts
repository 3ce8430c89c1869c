/**
 * libvirt call costs: the worker-based async API vs a direct synchronous bun:ffi call, same run,
 * same libvirtd. Trivial call: virNodeGetFreeMemory (one daemon round trip). Prints medians, the worker/direct ratio, and how long each style blocks the main
 * thread (the reason the worker exists). Usage: bun bench/libvirt-ffi.ts [uri] [cycles]
 */
import type { Pointer } from 'bun:ffi';
import { Libvirt } from '../agent/src/libvirt/index.ts';
import * as nd from '../agent/src/libvirt/native/domain.ts';
import * as host from '../agent/src/libvirt/native/host.ts';

const uri = process.argv[2] ?? 'qemu:///system';
const cycles = Number(process.argv[3] ?? 3);
const TRIVIAL = 2000;
const type = (await Bun.file('/dev/kvm').exists()) ? 'kvm' : 'qemu';
const xml = (name: string) =>
  uri.startsWith('test:')
    ? `<domain type='test'><name>${name}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`
    : `<domain type='${type}'><name>${name}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices><memballoon model='none'/></devices></domain>`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Largest gap of a 10 ms main-thread interval while `fn` runs: how long the event loop stalled. */
async function stall<T>(fn: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const t = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 10);
  const value = await fn();
  worst = Math.max(worst, performance.now() - last);
  clearInterval(t);
  return { value, stallMs: worst };
}

type Steps = 'define' | 'create' | 'destroy' | 'undefine';
const steps: Steps[] = ['define', 'create', 'destroy', 'undefine'];
const empty = () => ({ define: [], create: [], destroy: [], undefine: [] }) as Record<Steps, number[]>;

async function timeIt(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  const ms = performance.now() - t;
  // Let timers run between steps, so a stall is one call's, not the whole loop's.
  await Bun.sleep(0);
  return ms;
}

// --- worker API ---
const conn = await Libvirt.open(uri, { workers: 2 });
const viaWorker = empty();
const workerStall = await stall(async () => {
  for (let i = 0; i < cycles; i++) {
    let dom = conn.domain('');
    viaWorker.define.push(
      await timeIt(async () => {
        dom = await conn.defineDomainXML(xml(`paddock-bench-w-${process.pid}-${i}`));
      }),
    );
    viaWorker.create.push(await timeIt(() => dom.create()));
    viaWorker.destroy.push(await timeIt(() => dom.destroy()));
    viaWorker.undefine.push(await timeIt(() => dom.undefine()));
  }
});
const trivialWorker: number[] = [];
for (let i = 0; i < TRIVIAL; i++) trivialWorker.push(await timeIt(() => conn.nodeGetFreeMemory()));
const pingWorker: number[] = [];
for (let i = 0; i < TRIVIAL; i++) pingWorker.push(await timeIt(() => conn.ping()));
await conn.close();

// --- direct, synchronous, on this thread ---
const c: Pointer = host.connectOpen(uri);
const direct = empty();
const directStall = await stall(async () => {
  for (let i = 0; i < cycles; i++) {
    let uuid = '';
    direct.define.push(
      await timeIt(() => {
        uuid = nd.defineXML(c, xml(`paddock-bench-d-${process.pid}-${i}`), 0).uuid;
      }),
    );
    direct.create.push(await timeIt(() => nd.create(c, uuid, 0)));
    direct.destroy.push(await timeIt(() => nd.destroy(c, uuid, 0)));
    direct.undefine.push(await timeIt(() => nd.undefine(c, uuid, 0)));
  }
});
const trivialDirect: number[] = [];
for (let i = 0; i < TRIVIAL; i++) trivialDirect.push(await timeIt(() => host.freeMemory(c)));
host.connectClose(c);

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(1)} ms`);
console.log(
  `libvirt FFI bench on ${uri} (${type}), ${cycles} domain cycles, ${TRIVIAL} trivial calls; medians`,
);
console.log('step              worker API     direct FFI     worker/direct');
for (const s of steps) {
  const w = median(viaWorker[s]);
  const d = median(direct[s]);
  console.log(`${s.padEnd(17)} ${fmt(w).padStart(10)}     ${fmt(d).padStart(10)}     ${(w / d).toFixed(2)}x`);
}
const tw = median(trivialWorker);
const td = median(trivialDirect);
console.log(
  `${'freeMemory (RPC)'.padEnd(17)} ${fmt(tw).padStart(10)}     ${fmt(td).padStart(10)}     ${(tw / td).toFixed(2)}x`,
);
console.log(
  `${'ping (no libvirt)'.padEnd(17)} ${fmt(median(pingWorker)).padStart(10)}     ${'-'.padStart(10)}`,
);
console.log(
  `main-thread stall during the domain cycles: worker API ${fmt(workerStall.stallMs)}, direct FFI ${fmt(directStall.stallMs)} ` +
    `(${(directStall.stallMs / Math.max(workerStall.stallMs, 0.001)).toFixed(1)}x)`,
);
