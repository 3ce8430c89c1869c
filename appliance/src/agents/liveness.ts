import type { Logger } from '../observability/logger.ts';
import type { AgentSessions } from './sessions.ts';

/**
 * Marks nodes offline once their heartbeats stop for `offlineAfterMs`. Checks at a fraction of
 * that period so the mark lands within a few seconds of the deadline.
 */
export function startLivenessSweeper(
  sessions: AgentSessions,
  logger: Logger,
  offlineAfterMs: number,
): () => void {
  const period = Math.max(200, Math.min(5_000, Math.floor(offlineAfterMs / 6)));
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await sessions.sweepStale(offlineAfterMs);
    } catch (error) {
      logger.error({ err: error }, 'liveness sweep failed');
    } finally {
      running = false;
    }
  }, period);
  return () => clearInterval(timer);
}
