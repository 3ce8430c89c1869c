import type { NodeMetricsPoint } from '@paddock/protocol/api/nodes';
import type { NodeHeartbeat } from '@paddock/protocol/rpc/index';

interface Sample {
  at: number;
  cpuPct: number;
  memUsedBytes: number;
  memTotalBytes: number;
  diskUsedBytes: number;
  diskTotalBytes: number;
  load1: number;
  netRxBytes: number;
  netTxBytes: number;
  vmsRunning: number;
}

// The RPC schema already checked types and minimums; a finite, non-negative number is all a chart
// needs, whatever an agent claims.
const figure = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);

/**
 * The recent heartbeat figures of each node, for charts. Time is cut into steps of
 * `windowMs / maxPoints` (10 s for an hour of 360 points); a heartbeat replaces the point of its
 * step if there is one, so however often an agent sends, a node never holds more than `maxPoints`
 * points, and points older than the window are dropped. Times are the appliance's receive times,
 * not the agent's clock.
 *
 * Kept in memory, per replica: a node's figures are where its agent is connected, and a restart
 * starts an empty window (the latest figures stay on the node row). About 30 KiB per node.
 */
export class NodeMetricsWindow {
  readonly #series = new Map<string, Sample[]>();
  readonly stepMs: number;

  constructor(
    readonly windowMs = 3_600_000,
    readonly maxPoints = 360,
  ) {
    this.stepMs = Math.max(1, Math.floor(windowMs / maxPoints));
  }

  record(nodeId: string, hb: NodeHeartbeat, now = Date.now()): void {
    const sample: Sample = {
      at: now,
      cpuPct: Math.min(100, figure(hb.cpuUsedPct)),
      memUsedBytes: figure(hb.memUsedBytes),
      memTotalBytes: figure(hb.memTotalBytes),
      diskUsedBytes: figure(hb.diskUsedBytes),
      diskTotalBytes: figure(hb.diskTotalBytes),
      load1: figure(hb.load1),
      netRxBytes: figure(hb.netRxBytes),
      netTxBytes: figure(hb.netTxBytes),
      vmsRunning: Math.floor(figure(hb.vmsRunning)),
    };
    let series = this.#series.get(nodeId);
    if (!series) {
      series = [];
      this.#series.set(nodeId, series);
    }
    const last = series.at(-1);
    if (last && Math.floor(last.at / this.stepMs) === Math.floor(now / this.stepMs)) {
      series[series.length - 1] = sample;
    } else {
      series.push(sample);
    }
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < series.length && (series[drop]?.at ?? 0) <= cutoff) drop++;
    drop = Math.max(drop, series.length - this.maxPoints);
    if (drop > 0) series.splice(0, drop);
  }

  /** The points of the last `minutes` (at most the window), oldest first. */
  points(nodeId: string, minutes = this.windowMs / 60_000, now = Date.now()): NodeMetricsPoint[] {
    const since = now - Math.min(minutes * 60_000, this.windowMs);
    return (this.#series.get(nodeId) ?? [])
      .filter((s) => s.at > since)
      .map(({ at, ...figures }) => ({ at: new Date(at).toISOString(), ...figures }));
  }

  /** Nodes with at least one point (for tests and diagnostics). */
  get size(): number {
    return this.#series.size;
  }

  forget(nodeId: string): void {
    this.#series.delete(nodeId);
  }
}
