/** Shared helpers of the benchmarks: percentiles and a bounded HTTP load loop. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export interface LoadResult {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  rps: number;
  errors: number;
}

/** Sends `total` requests with `concurrency` in flight; latency per request, throughput overall. */
export async function load(
  makeRequest: () => Promise<Response>,
  total: number,
  concurrency: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        const t0 = performance.now();
        const res = await makeRequest();
        await res.arrayBuffer();
        if (!res.ok) errors++;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: total,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    rps: total / seconds,
    errors,
  };
}

export const fmt = (n: number, digits = 2) => n.toFixed(digits);
