/** Host facts and live figures: /proc parsers on fixed text, the sampler and statfs on this machine. */
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  guestArchs,
  machinesOf,
  offersDomainType,
  parseGuestCapabilities,
} from '../src/host/capabilities.ts';
import { diskUsage } from '../src/host/disk.ts';
import { HostSampler } from '../src/host/figures.ts';
import {
  cpuUsageRatio,
  isHostInterface,
  parseCpuModel,
  parseLoadavg,
  parseMeminfo,
  parseNetDev,
  parseProcStat,
} from '../src/host/proc.ts';
import { chooseVirtType } from '../src/host/virt-type.ts';

const STAT = `cpu  100 20 30 800 50 5 5 10 7 0
cpu0 50 10 15 400 25 2 3 5 3 0
intr 12345
`;
const STAT_LATER = `cpu  160 20 50 860 50 5 5 10 7 0
`;
const MEMINFO = `MemTotal:        8000000 kB
MemFree:         1000000 kB
MemAvailable:    6000000 kB
Buffers:          100000 kB
Cached:          2000000 kB
Hugepages_Total:       0
`;
const NETDEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0: 5000000    4000    0    0    0     0          0         0  2500000    3000    0    0    0     0       0          0
 vnet3:     777       7    0    0    0     0          0         0      888       8    0    0    0     0       0          0
`;

describe('/proc parsers', () => {
  test('/proc/stat and CPU usage between samples', () => {
    const a = parseProcStat(STAT);
    // user+nice+system+idle+iowait+irq+softirq+steal; guest is inside user already.
    expect(a).toEqual({ total: 1020, idle: 850 });
    const b = parseProcStat(STAT_LATER);
    // +60 user, +20 system, +60 idle: 80 busy of 140.
    expect(cpuUsageRatio(a, b)).toBeCloseTo(80 / 140, 6);
    expect(cpuUsageRatio(a, a)).toBe(0);
    expect(() => parseProcStat('intr 1')).toThrow();
  });

  test('/proc/meminfo: used = total - available, with a fallback for old kernels', () => {
    expect(parseMeminfo(MEMINFO)).toEqual({
      totalBytes: 8_000_000 * 1024,
      availableBytes: 6_000_000 * 1024,
      usedBytes: 2_000_000 * 1024,
    });
    const old = parseMeminfo(MEMINFO.replace(/MemAvailable.*\n/, ''));
    expect(old.availableBytes).toBe((1_000_000 + 100_000 + 2_000_000) * 1024);
    expect(() => parseMeminfo('MemFree: 1 kB')).toThrow();
  });

  test('/proc/loadavg', () => {
    expect(parseLoadavg('0.52 0.58 0.59 2/345 12345\n')).toEqual({ load1: 0.52, load5: 0.58, load15: 0.59 });
    expect(() => parseLoadavg('x')).toThrow();
  });

  test('/proc/net/dev, and which interfaces count as the host', () => {
    const devices = parseNetDev(NETDEV);
    expect(devices).toEqual([
      { name: 'lo', rxBytes: 1000, txBytes: 1000 },
      { name: 'eth0', rxBytes: 5_000_000, txBytes: 2_500_000 },
      { name: 'vnet3', rxBytes: 777, txBytes: 888 },
    ]);
    expect(devices.filter((d) => isHostInterface(d.name)).map((d) => d.name)).toEqual(['eth0']);
    expect(isHostInterface('br0')).toBe(true);
    expect(isHostInterface('tap12')).toBe(false);
  });

  test('/proc/cpuinfo model', () => {
    expect(parseCpuModel('processor\t: 0\nmodel name\t: AMD EPYC 7B13\n')).toBe('AMD EPYC 7B13');
    expect(parseCpuModel('Hardware\t: BCM2835\n')).toBe('BCM2835');
    expect(parseCpuModel('nothing here')).toBeUndefined();
  });
});

describe('sampler and disk', () => {
  test('HostSampler reads a /proc tree and reports usage since its previous sample', () => {
    const root = mkdtempSync(join(tmpdir(), 'paddock-proc-'));
    try {
      mkdirSync(join(root, 'net'));
      writeFileSync(join(root, 'stat'), STAT);
      writeFileSync(join(root, 'meminfo'), MEMINFO);
      writeFileSync(join(root, 'loadavg'), '1.5 1 1 1/1 1\n');
      writeFileSync(join(root, 'net/dev'), NETDEV);
      const sampler = new HostSampler(root, root);
      sampler.sample();
      writeFileSync(join(root, 'stat'), STAT_LATER);
      const f = sampler.sample();
      expect(f.cpuUsageRatio).toBeCloseTo(80 / 140, 6);
      expect(f.memory.usedBytes).toBe(2_000_000 * 1024);
      expect(f.load.load1).toBe(1.5);
      expect(f.net.map((d) => d.name)).toEqual(['eth0']);
      expect(f.disk.totalBytes).toBeGreaterThan(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('the real /proc of this machine parses', () => {
    const f = new HostSampler('/').sample();
    expect(f.memory.totalBytes).toBeGreaterThan(f.memory.usedBytes);
    expect(f.cpuUsageRatio).toBeGreaterThanOrEqual(0);
    expect(f.cpuUsageRatio).toBeLessThanOrEqual(1);
  });

  test('statfs of a missing storage root measures its nearest existing ancestor', () => {
    const d = diskUsage('/nonexistent-paddock-root/libvirt');
    expect(d.path).toBe('/');
    expect(d.totalBytes).toBeGreaterThan(0);
    expect(d.usedBytes).toBeLessThanOrEqual(d.totalBytes);
  });
});

describe('capabilities and virt type', () => {
  const CAPS = `<capabilities><host><cpu><arch>x86_64</arch></cpu></host>
  <guest><os_type>hvm</os_type><arch name='x86_64'><wordsize>64</wordsize>
    <machine maxCpus='255'>pc-i440fx-7.2</machine><machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine>
    <domain type='qemu'/><domain type='kvm'/></arch></guest>
  <guest><os_type>hvm</os_type><arch name='i686'><machine>pc</machine><domain type='qemu'/></arch></guest>
</capabilities>`;

  test('guests, archs, machines and domain types from the capabilities XML', () => {
    const guests = parseGuestCapabilities(CAPS);
    expect(guestArchs(guests)).toEqual(['x86_64', 'i686']);
    expect(offersDomainType(guests, 'kvm')).toBe(true);
    expect(offersDomainType(parseGuestCapabilities(CAPS.replace("<domain type='kvm'/>", '')), 'kvm')).toBe(
      false,
    );
    expect(machinesOf(guests, 'x86_64')).toEqual(['pc-i440fx-7.2', 'q35']);
  });

  test('auto picks kvm only with both /dev/kvm and libvirt kvm; forced settings win', () => {
    expect(chooseVirtType('auto', true, true).virtType).toBe('kvm');
    expect(chooseVirtType('auto', false, true)).toMatchObject({
      virtType: 'qemu',
      reason: expect.stringContaining('/dev/kvm'),
    });
    expect(chooseVirtType('auto', true, false)).toMatchObject({
      virtType: 'qemu',
      reason: expect.stringContaining('libvirt'),
    });
    expect(chooseVirtType('qemu', true, true).virtType).toBe('qemu');
    expect(chooseVirtType('kvm', false, false)).toMatchObject({
      virtType: 'kvm',
      reason: expect.stringContaining('although'),
    });
  });
});
