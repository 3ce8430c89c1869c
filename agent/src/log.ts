import pino from 'pino';

/** The agent's logger type (pino). */
export type Logger = pino.Logger;

/**
 * One JSON line per event on stdout (journald keeps them); `PADDOCK_LOG_LEVEL` sets the threshold.
 * Synchronous writes: a crash or exit right after an error line must not lose it.
 */
export function createLogger(level = process.env.PADDOCK_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'paddock-agent', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
