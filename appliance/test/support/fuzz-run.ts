import { describeCase, type FuzzResult, fuzzCase, type Operation, pool, Rng, send } from './fuzz-openapi.ts';
import type { apiSession } from './served-app.ts';
import type { SpawnedAppliance } from './spawned-appliance.ts';

/** Requests in flight at once. */
const CONCURRENCY = 8;

/** The lists whose totals count the rows of the main tables (audit excluded: refusals are audited). */
const COUNTED = [
  '/api/users',
  '/api/roles',
  '/api/role-bindings',
  '/api/nodes',
  '/api/storage/pools',
  '/api/storage/volumes',
  '/api/networks',
  '/api/vms',
  '/api/tasks',
];

export type Api = Awaited<ReturnType<typeof apiSession>>['api'];

async function rowCounts(api: Api): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await Promise.all(
    COUNTED.map(async (list) => {
      const url = list === '/api/role-bindings' ? list : `${list}?pageSize=1`;
      const page = (await api('GET', url)) as { total?: number; items?: unknown[] } | unknown[];
      counts[list] = Array.isArray(page) ? page.length : (page.total ?? page.items?.length ?? 0);
    }),
  );
  return counts;
}

/** Fuzzes every operation with `seed`; returns what went wrong and how many requests went out. */
export async function fuzzRun(
  app: SpawnedAppliance,
  ops: Operation[],
  callers: Record<string, string | undefined>,
  admin: Api,
  seed: number,
  perCaller: number,
) {
  const rng = new Rng(seed);
  const problems: string[] = [];
  let requests = 0;
  for (const op of ops) {
    const mutating = op.method !== 'GET';
    const before = mutating ? await rowCounts(admin) : undefined;
    const cases = Object.entries(callers).flatMap(([caller, token]) =>
      Array.from({ length: perCaller }, () => fuzzCase(op, rng, caller, token)),
    );
    const results: FuzzResult[] = await pool(
      cases.map((c) => () => send(app.base, c)),
      CONCURRENCY,
    );
    requests += results.length;
    for (const r of results) if (r.problem) problems.push(`${r.problem}\n    ${describeCase(r.request)}`);
    if (!app.alive()) {
      problems.push(`the appliance died during ${op.method} ${op.path}`);
      break;
    }
    if (before) {
      const after = await rowCounts(admin);
      const accepted = results.some((r) => r.status >= 200 && r.status < 300);
      const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
      if (changed.length > 0 && !accepted) {
        problems.push(
          `${op.method} ${op.path}: every request was refused, yet ${changed.map((k) => `${k} ${before[k]} → ${after[k]}`).join(', ')}`,
        );
      }
    }
  }
  return { problems, requests };
}
