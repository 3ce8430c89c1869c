import type { NodeMetricsPoint } from '@paddock/protocol/api/nodes';
import type { ChartSeries } from './line-chart.component';

/** Which heartbeat figure a chart line shows. */
export type NodeFigure = 'cpuPct' | 'memPct' | 'memUsedBytes';

const value: Record<NodeFigure, (p: NodeMetricsPoint) => number> = {
  cpuPct: (p) => p.cpuPct,
  memPct: (p) => (p.memTotalBytes > 0 ? (p.memUsedBytes / p.memTotalBytes) * 100 : 0),
  memUsedBytes: (p) => p.memUsedBytes,
};

/** A node's metrics as one chart line. */
export function nodeSeries(name: string, points: NodeMetricsPoint[], figure: NodeFigure): ChartSeries {
  return { name, points: points.map((p) => [Date.parse(p.at), value[figure](p)]) };
}

/** used/total as a whole percentage for a progress bar (0 when the total is unknown). */
export function percentOf(used: number, total: number): number {
  return total > 0 ? Math.min(100, Math.round((used / total) * 1000) / 10) : 0;
}
