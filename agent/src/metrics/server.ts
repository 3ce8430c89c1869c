import type { Server } from 'bun';
import type { Logger } from '../log.ts';
import type { AgentMetrics } from './agent-metrics.ts';
import { METRICS_CONTENT_TYPE } from './registry.ts';

/** The running exporter. */
export interface MetricsServer {
  /** The bound address (port resolved when 0 was asked for). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves GET /metrics on `listen` (127.0.0.1:9464 by default: the exporter has no auth, so it stays
 * on loopback unless the operator opens it). A second agent on the same port must fail loudly, not
 * share it: Bun allows port reuse unless told otherwise.
 */
export function startMetricsServer(
  listen: { hostname: string; port: number },
  metrics: AgentMetrics,
  logger: Logger,
): MetricsServer {
  const server: Server<undefined> = Bun.serve({
    hostname: listen.hostname,
    port: listen.port,
    reusePort: false,
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (pathname !== '/metrics') return new Response('not found\n', { status: 404 });
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return new Response('method not allowed\n', { status: 405, headers: { allow: 'GET, HEAD' } });
      }
      try {
        return new Response(await metrics.render(), { headers: { 'content-type': METRICS_CONTENT_TYPE } });
      } catch (error) {
        logger.error({ err: String(error) }, 'metrics: render failed');
        return new Response('metrics unavailable\n', { status: 500 });
      }
    },
  });
  const url = `http://${listen.hostname.includes(':') ? `[${listen.hostname}]` : listen.hostname}:${server.port}/metrics`;
  return { url, stop: () => server.stop(true) };
}
