import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DiskUsage, diskUsage } from './disk.ts';
import {
  type CpuTimes,
  cpuUsageRatio,
  isHostInterface,
  type LoadAvg,
  type MemInfo,
  type NetDevice,
  parseLoadavg,
  parseMeminfo,
  parseNetDev,
  parseProcStat,
} from './proc.ts';

/** The host's live figures at one instant. */
export interface HostFigures {
  time: number;
  /** Non-idle CPU share since this sampler's previous sample (since boot on the first one), 0..1. */
  cpuUsageRatio: number;
  memory: MemInfo;
  load: LoadAvg;
  disk: DiskUsage;
  /** Host interfaces only (see isHostInterface). */
  net: NetDevice[];
}

/**
 * Reads /proc and statfs. Each sampler keeps its own previous CPU reading, so the heartbeat and
 * the /metrics scrape each get the usage over their own period.
 */
export class HostSampler {
  #previous: CpuTimes | undefined;

  constructor(
    private readonly storageRoot: string,
    private readonly procRoot = '/proc',
  ) {}

  /** Reads the CPU counters once, so the first sample reports usage since now, not since boot. */
  prime(): this {
    this.#previous = parseProcStat(readFileSync(join(this.procRoot, 'stat'), 'utf8'));
    return this;
  }

  /** Takes one sample. */
  sample(): HostFigures {
    const read = (file: string) => readFileSync(join(this.procRoot, file), 'utf8');
    const cpu = parseProcStat(read('stat'));
    const ratio = cpuUsageRatio(this.#previous ?? { total: 0, idle: 0 }, cpu);
    this.#previous = cpu;
    return {
      time: Date.now(),
      cpuUsageRatio: ratio,
      memory: parseMeminfo(read('meminfo')),
      load: parseLoadavg(read('loadavg')),
      disk: diskUsage(this.storageRoot),
      net: parseNetDev(read('net/dev')).filter((d) => isHostInterface(d.name)),
    };
  }
}
