import type { PaddockParams } from '@paddock/protocol';
import type { Logger } from '../log.ts';
import { HostSampler } from './figures.ts';

type Heartbeat = PaddockParams<'node.heartbeat'>;

/**
 * Builds heartbeats: host figures from /proc and statfs (instant), plus the running VM count from
 * libvirt. libvirt gets `libvirtBudgetMs`; past it (or on error) the last known count is sent, so a
 * busy or restarting libvirtd never delays the heartbeat that keeps the node online.
 */
export class HeartbeatSource {
  readonly #sampler: HostSampler;
  #vmsRunning = 0;

  constructor(
    storageRoot: string,
    private readonly countRunning: () => Promise<number>,
    private readonly logger: Logger,
    private readonly libvirtBudgetMs = 2000,
  ) {
    this.#sampler = new HostSampler(storageRoot).prime();
  }

  /** One heartbeat's params. */
  async next(): Promise<Heartbeat> {
    const counted = this.countRunning().then(
      (n) => {
        this.#vmsRunning = n;
      },
      (error: unknown) =>
        this.logger.warn({ err: String(error) }, 'heartbeat: counting running domains failed'),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      counted,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.libvirtBudgetMs))),
    ]);
    clearTimeout(timer);
    const f = this.#sampler.sample();
    const net = f.net.reduce((sum, d) => ({ rx: sum.rx + d.rxBytes, tx: sum.tx + d.txBytes }), {
      rx: 0,
      tx: 0,
    });
    return {
      time: f.time,
      cpuUsedPct: Math.round(f.cpuUsageRatio * 10_000) / 100,
      memUsedBytes: f.memory.usedBytes,
      memTotalBytes: f.memory.totalBytes,
      diskUsedBytes: f.disk.usedBytes,
      diskTotalBytes: f.disk.totalBytes,
      load1: f.load.load1,
      netRxBytes: net.rx,
      netTxBytes: net.tx,
      vmsRunning: this.#vmsRunning,
    };
  }
}
