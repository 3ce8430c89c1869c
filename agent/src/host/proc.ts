/**
 * Pure parsers for the /proc files the agent reads. Kept free of I/O so tests feed them fixed text.
 * Formats: proc(5).
 */

/** Aggregate CPU jiffies from the first line of /proc/stat. */
export interface CpuTimes {
  /** All jiffies (guest time is already inside user/nice, so it is not added again). */
  total: number;
  /** Idle plus iowait jiffies. */
  idle: number;
}

/** Parses the `cpu ` line of /proc/stat. */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate cpu line');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait };
}

/** Share of non-idle time between two samples, 0..1 (0 when no time passed). */
export function cpuUsageRatio(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  const busy = total - (after.idle - before.idle);
  return Math.min(1, Math.max(0, busy / total));
}

/** Memory figures from /proc/meminfo, in bytes. */
export interface MemInfo {
  totalBytes: number;
  availableBytes: number;
  usedBytes: number;
}

/** Parses /proc/meminfo; "used" is total minus MemAvailable (what `free` calls available). */
export function parseMeminfo(text: string): MemInfo {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
    if (m) kib.set(m[1] as string, Number(m[2]));
  }
  const total = kib.get('MemTotal');
  if (total === undefined) throw new Error('/proc/meminfo has no MemTotal');
  // Kernels before 3.14 lack MemAvailable; free + caches is the usual stand-in.
  const available =
    kib.get('MemAvailable') ??
    (kib.get('MemFree') ?? 0) + (kib.get('Buffers') ?? 0) + (kib.get('Cached') ?? 0);
  return {
    totalBytes: total * 1024,
    availableBytes: available * 1024,
    usedBytes: Math.max(0, total - available) * 1024,
  };
}

/** Load averages from /proc/loadavg. */
export interface LoadAvg {
  load1: number;
  load5: number;
  load15: number;
}

/** Parses /proc/loadavg. */
export function parseLoadavg(text: string): LoadAvg {
  const [load1, load5, load15] = text.trim().split(/\s+/).map(Number);
  if (![load1, load5, load15].every((n) => Number.isFinite(n))) throw new Error('bad /proc/loadavg');
  return { load1: load1 as number, load5: load5 as number, load15: load15 as number };
}

/** Byte counters of one network interface from /proc/net/dev. */
export interface NetDevice {
  name: string;
  rxBytes: number;
  txBytes: number;
}

/** Parses /proc/net/dev (two header lines, then `name: rx-bytes … (8 rx fields) tx-bytes …`). */
export function parseNetDev(text: string): NetDevice[] {
  const devices: NetDevice[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (f.length < 16) continue;
    devices.push({ name: line.slice(0, colon).trim(), rxBytes: f[0] as number, txBytes: f[8] as number });
  }
  return devices;
}

/** Whether an interface is the tap, vnet, veth or macvtap end of a guest or container. */
export function isGuestInterface(name: string): boolean {
  return /^(vnet|tap|veth|macvtap)/.test(name);
}

/**
 * Whether an interface's traffic counts as the host's: loopback does not, and neither do guest
 * interfaces, whose bytes already cross a bridge or NIC.
 */
export function isHostInterface(name: string): boolean {
  return name !== 'lo' && !isGuestInterface(name);
}

/** The CPU model name from /proc/cpuinfo (x86 `model name`, else arm's `Hardware`/`CPU part`). */
export function parseCpuModel(text: string): string | undefined {
  for (const key of ['model name', 'Hardware', 'Processor', 'cpu model']) {
    const m = new RegExp(`^${key}\\s*:\\s*(.+)$`, 'm').exec(text);
    if (m?.[1]) return m[1].trim();
  }
  return undefined;
}
