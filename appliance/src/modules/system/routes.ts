import { SystemInfo } from '@paddock/protocol/api/system';
import { Type } from '@sinclair/typebox';
import { Elysia } from 'elysia';
import { sql } from 'kysely';
import type { AppContext } from '../../app-context.ts';
import type { AccessPlugin } from '../../http/access.plugin.ts';

const Health = Type.Object({ status: Type.String(), version: Type.String(), uptimeSec: Type.Number() });
const Ready = Type.Object({
  status: Type.String(),
  checks: Type.Record(
    Type.String(),
    Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) }),
  ),
});

/**
 * Probes and metrics (public so load balancers and Prometheus need no credentials), and what the
 * appliance runs on for signed-in users.
 */
export function systemRoutes(access: AccessPlugin, ctx: AppContext) {
  return new Elysia({ detail: { tags: ['system'] } })
    .use(access)
    .get(
      '/healthz',
      () => ({
        status: 'ok',
        version: ctx.version,
        uptimeSec: Math.round((Date.now() - ctx.startedAt) / 1000),
      }),
      { access: 'public', response: Health, detail: { summary: 'Liveness: the process answers' } },
    )
    .get(
      '/readyz',
      async ({ set }) => {
        const checks: Record<string, { ok: boolean; error?: string }> = {};
        try {
          await sql`SELECT 1`.execute(ctx.db);
          checks.database = { ok: true };
        } catch (error) {
          // The probe is public: the driver's message can name hosts, databases or paths, so it
          // goes to the log and the caller only learns that the database cannot be reached.
          ctx.logger.error({ err: error }, 'readiness: database unreachable');
          checks.database = { ok: false, error: 'unreachable' };
        }
        if (ctx.counters.kind === 'redis') {
          checks.redis = (await ctx.counters.ping()) ? { ok: true } : { ok: false, error: 'no PONG' };
        }
        const ok = Object.values(checks).every((c) => c.ok);
        set.status = ok ? 200 : 503;
        return { status: ok ? 'ready' : 'not ready', checks };
      },
      {
        access: 'public',
        response: { 200: Ready, 503: Ready },
        detail: { summary: 'Readiness: database (and Redis) reachable' },
      },
    )
    .get(
      '/api/system',
      () => ({
        version: ctx.version,
        database: ctx.database.kind === 'pglite' ? ('pglite' as const) : ('postgresql' as const),
        redis: ctx.counters.kind === 'redis',
        startedAt: new Date(ctx.startedAt).toISOString(),
      }),
      {
        access: 'authenticated',
        response: SystemInfo,
        detail: { summary: 'What the appliance runs on: version, database, Redis' },
      },
    )
    .get(
      '/metrics',
      async () => {
        // A failed read leaves the database's series out; the process's own still answer.
        await ctx.metrics.registry
          .collect()
          .catch((err) => ctx.logger.warn({ err }, 'metrics: reading the database failed'));
        return new Response(ctx.metrics.registry.render(), {
          headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        });
      },
      { access: 'public', detail: { summary: 'Prometheus metrics' } },
    );
}
