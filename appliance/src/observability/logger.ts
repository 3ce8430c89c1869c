import pino from 'pino';

/** One JSON line per event on stdout; `PADDOCK_LOG_LEVEL` (default info) sets the threshold. */
export const logger = pino({
  level: process.env.PADDOCK_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  base: { service: 'paddock' },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

export type Logger = typeof logger;
