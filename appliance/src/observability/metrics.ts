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
  // Per process, not read from the database: each task outcome is counted once, by the process
  // that settled it, so sum() over every scraped `serve` and `paddock worker` is the fleet's
  // total; a count read from the tasks table would be reported whole by every replica (and cost
  // a scan of the whole history at each scrape). A restart resets it, which rate() expects.
  const tasksFinished = registry.register(
    new Counter(
      'paddock_tasks_total',
      'Tasks finished by this process, by type and final status (succeeded, failed, cancelled).',
    ),
  );
  // The state of the whole installation, read from the database at scrape time (see
  // state-metrics.ts): every replica reports the same figures, so aggregate them with max.
  const nodeUp = registry.register(
    new Gauge('paddock_node_up', 'Whether the node is online (its agent sends heartbeats): 1 or 0.'),
  );
  const nodes = registry.register(new Gauge('paddock_nodes', 'Nodes by status.'));
  const vms = registry.register(new Gauge('paddock_vms', 'VMs by status.'));
  const tasks = registry.register(new Gauge('paddock_tasks', 'Tasks waiting or running, by status.'));
  return { registry, httpRequests, httpDuration, tasksFinished, state: { nodeUp, nodes, vms, tasks } };
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;
