import { type Static, Type } from '@sinclair/typebox';

/** `GET /api/system`: what the appliance runs on, for the console's settings page. */
export const SystemInfo = Type.Object({
  version: Type.String(),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgresql')]),
  /** Whether REDIS_URL is set (shared counters and agent routing between replicas). */
  redis: Type.Boolean(),
  /** When this process started (ISO 8601). */
  startedAt: Type.String(),
});
export type SystemInfo = Static<typeof SystemInfo>;
