import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type Api, fuzzRun } from './support/fuzz-run.ts';
import { type Operation, operationsOf } from './support/fuzz-openapi.ts';
import { apiSession } from './support/served-app.ts';
import { type SpawnedAppliance, spawnAppliance } from './support/spawned-appliance.ts';
import { ADMIN_PASSWORD, DIALECTS } from './support/test-app.ts';

// Fuzzes every operation of /api/openapi.json on a real appliance process, as anonymous, viewer and
// admin: no 5xx, no 4xx without the error envelope, no crash, no row written by a refused request,
// and the process's memory comes back afterwards. Bounded (FUZZ_CASES per operation and caller); a
// fixed seed always runs, plus a random one (FUZZ_SEED to replay it) printed on failure.

const FIXED_SEED = 0x5eed_0009;
const WARMUP_SEED = 0x5eed_0001;
const RANDOM_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
let nextPort = 19900 + Math.floor(Math.random() * 80);

for (const dialect of DIALECTS) {
  describe(`OpenAPI fuzz on a served appliance (${dialect})`, () => {
    let app: SpawnedAppliance;
    let ops: Operation[];
    let admin: Api;
    const callers: Record<string, string | undefined> = { anonymous: undefined };
    beforeAll(async () => {
      app = await spawnAppliance(dialect, nextPort++);
      const session = await apiSession(app.base, 'admin', ADMIN_PASSWORD);
      admin = session.api;
      callers.admin = session.accessToken;
      await admin('POST', '/api/users', {
        username: 'fuzz-viewer',
        password: 'viewer-pass-123',
        roles: ['viewer'],
      });
      callers.viewer = (await apiSession(app.base, 'fuzz-viewer', 'viewer-pass-123')).accessToken;
      ops = operationsOf(await (await fetch(`${app.base}/api/openapi.json`)).json());
    }, 120_000);
    afterAll(async () => {
      await app?.stop();
    });

    test('no 5xx, no bare 4xx, no crash, nothing written by a refusal, and memory comes back', async () => {
      expect(ops.length).toBeGreaterThan(40);
      // Elysia compiles each route on its first request and JSC its hot code: one short warm-up
      // round first, so the baseline holds that fixed cost and what the runs add is what stays.
      const rssCold = app.rss();
      const warmup = await fuzzRun(app, ops, { admin: callers.admin }, admin, WARMUP_SEED, 1);
      const rssBefore = app.rss();
      const started = performance.now();
      const problems: string[] = warmup.problems.map((p) => `[warm-up seed ${WARMUP_SEED}] ${p}`);
      let requests = 0;
      for (const seed of [FIXED_SEED, RANDOM_SEED]) {
        const run = await fuzzRun(app, ops, callers, admin, seed, Number(process.env.FUZZ_CASES ?? 4));
        requests += run.requests;
        for (const p of run.problems) problems.push(`[seed ${seed}] ${p}`);
      }
      const seconds = (performance.now() - started) / 1000;
      const rssPeak = app.rss();
      // Give the collector a moment: the bound is on what stays, not on the peak.
      let rssAfter = app.rss();
      for (let i = 0; i < 40 && rssAfter > rssBefore * 1.5; i++) {
        await Bun.sleep(250);
        rssAfter = app.rss();
      }
      const MiB = 1024 * 1024;
      console.log(
        `fuzz ${dialect}: ${requests} requests over ${ops.length} operations in ${seconds.toFixed(1)} s ` +
          `(${(requests / seconds).toFixed(0)}/s); RSS cold ${(rssCold / MiB).toFixed(0)}, warm ${(rssBefore / MiB).toFixed(0)} → ${(rssPeak / MiB).toFixed(0)} ` +
          `→ ${(rssAfter / MiB).toFixed(0)} MiB; seeds ${FIXED_SEED}, ${RANDOM_SEED} (FUZZ_SEED=${RANDOM_SEED} replays)`,
      );
      if (problems.length > 0) {
        const log = app
          .log()
          .split('\n')
          .filter((line) => line.includes('"level":"error"'))
          .slice(-5)
          .join('\n');
        throw new Error(
          `${problems.length} problem(s), FUZZ_SEED=${RANDOM_SEED} replays the random run:\n${problems.slice(0, 25).join('\n')}\n${log}`,
        );
      }
      expect(app.alive()).toBe(true);
      expect(rssAfter).toBeLessThan(rssBefore * 1.5);
    }, 300_000);
  });
}
