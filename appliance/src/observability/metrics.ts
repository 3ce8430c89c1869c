import type { PoolStats } from '../db/connect.ts';
import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics-registry.ts';

/** The appliance's metric families; one instance per process. */
export function createAppMetrics(poolStats: () => PoolStats) {
  const registry = new MetricsRegistry();
  const startedAt = Date.now() / 1000;
  const httpRequests = registry.register(
    new Counter('paddock_http_requests_total', 'HTTP requests served, by method, route and status.'),
  );
  const httpDuration = registry.register(
    new Histogram(
      'paddock_http_request_duration_seconds',
      'HTTP request latency by method and route.',
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
  );
  registry.register(
    new Gauge('paddock_db_pool_connections', 'Database connections by state.', (g) => {
      const stats = poolStats();
      g.set(stats.total, { state: 'total' });
      g.set(stats.idle, { state: 'idle' });
    }),
  );
  registry.register(
    new Gauge('paddock_db_pool_waiting', 'Callers waiting for a database connection.', (g) =>
      g.set(poolStats().waiting),
    ),
  );
  registry.register(
    new Gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', (g) =>
      g.set(process.memoryUsage().rss),
    ),
  );
  registry.register(
    new Gauge('process_heap_bytes', 'JavaScript heap in use, in bytes.', (g) =>
      g.set(process.memoryUsage().heapUsed),
    ),
  );
  registry.register(
    new Gauge('process_cpu_seconds', 'User and system CPU time spent, in seconds.', (g) => {
      const cpu = process.cpuUsage();
      g.set(cpu.user / 1e6, { mode: 'user' });
      g.set(cpu.system / 1e6, { mode: 'system' });
    }),
  );
  registry.register(
    new Gauge(
      'process_start_time_seconds',
      'Start time of the process since the Unix epoch, in seconds.',
      (g) => g.set(startedAt),
    ),
  );
  return { registry, httpRequests, httpDuration };
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;
