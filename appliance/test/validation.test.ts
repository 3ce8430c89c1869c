import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { sql } from 'kysely';
import { concretePath, MUTATING, routesOf } from './support/routes.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  anyOf?: Schema[];
}

/** A value of the wrong type for a property of this schema. */
function wrongTypeFor(schema: Schema): unknown {
  const type = schema.type ?? schema.anyOf?.[0]?.type;
  switch (type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    default:
      return [1, 2, 3];
  }
}

const HUGE = 'x'.repeat(200_000);

/** Malformed bodies for a route whose body schema is `schema`. */
function badBodies(schema: Schema | undefined): Array<{ label: string; body: unknown }> {
  const bodies: Array<{ label: string; body: unknown }> = [
    { label: 'malformed JSON', body: '{"unterminated": ' },
    { label: 'array instead of object', body: [] },
    { label: 'bare string', body: '"just a string"' },
    { label: 'null', body: 'null' },
    { label: 'unknown field only', body: { definitelyNotAField: true } },
  ];
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    bodies.push({ label: `wrong type for ${name}`, body: { [name]: wrongTypeFor(prop) } });
    bodies.push({ label: `huge value for ${name}`, body: { [name]: HUGE } });
    bodies.push({ label: `object for ${name}`, body: { [name]: { $ne: null } } });
  }
  return bodies;
}

const BAD_IDS = [
  'not-a-uuid',
  '1',
  "' OR 1=1 --",
  '..%2F..%2Fetc%2Fpasswd',
  'x'.repeat(5000),
  '00000000-0000-0000-0000-00000000000g',
];
const BAD_QUERIES = [
  'page=0',
  'page=-1',
  'page=abc',
  'page=1e400',
  'pageSize=100000',
  'pageSize=0',
  'sort=password_hash:asc',
  'sort=username;DROP TABLE users',
  'sort=username:sideways',
  `q=${'y'.repeat(5000)}`,
  'definitelyNotAFilter=1',
  'enabled=maybe',
  'from=yesterday',
];

async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  // Every table the migrations made, read from the catalogue, so a new table is counted too.
  const tables = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(
    t.ctx.db,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const row = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(name)}`.execute(t.ctx.db);
    counts[name] = Number(row.rows[0]?.n);
  }
  // Each refused request is audited on purpose; only a success record would mean a change went in.
  const successes = await sql<{ n: number }>`
    SELECT count(*) AS n FROM audit_logs WHERE outcome = 'success'`.execute(t.ctx.db);
  counts.audit_logs = Number(successes.rows[0]?.n);
  return counts;
}

function expectClientError(key: string, res: { status: number; json: any; text: string }) {
  const summary = {
    key,
    status: res.status,
    hasEnvelope: typeof res.json?.error?.code === 'string' && typeof res.json?.error?.message === 'string',
  };
  expect(summary).toEqual({ key, status: summary.status, hasEnvelope: true });
  expect({ key, clientError: res.status >= 400 && res.status < 500 }).toEqual({ key, clientError: true });
}

for (const dialect of DIALECTS) {
  describe(`validation on ${dialect}`, () => {
    let t: TestApp;
    let token: string;
    beforeAll(async () => {
      t = await createTestApp(dialect, { PADDOCK_LOGIN_MAX_FAILURES: '100000' });
      token = (await t.login()).accessToken;
    });
    afterAll(() => t.close());

    test('no malformed body produces a 500 or a partial write', async () => {
      const before = await rowCounts(t);
      let sent = 0;
      for (const r of routesOf(t)) {
        if (!MUTATING.has(r.method) || r.path.startsWith('/api/auth/logout')) continue;
        const route = t.app.routes.find((x) => x.method === r.method && x.path === r.path)!;
        const schema = (route.hooks as { body?: Schema }).body;
        for (const { label, body } of badBodies(schema)) {
          const res = await t.request(r.method, concretePath(r.path), { token, body });
          expectClientError(`${r.method} ${r.path} (${label})`, res);
          sent++;
        }
      }
      expect(sent).toBeGreaterThan(50);
      expect(Object.keys(before).length).toBeGreaterThan(15);
      expect(await rowCounts(t)).toEqual(before);
    });

    test('a validation error names the field', async () => {
      const res = await t.request('POST', '/api/users', {
        token,
        body: { username: 'ok-name', password: 'short' },
      });
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe('VALIDATION_FAILED');
      expect(res.json.error.details.errors[0].field).toBe('password');
      const unknown = await t.request('POST', '/api/users', {
        token,
        body: { username: 'ok-name', password: 'long-enough-1', isAdmin: true },
      });
      expect(unknown.status).toBe(422);
      expect(unknown.json.error.message).toContain('isAdmin');
    });

    test('an oversized JSON body is refused with 413 and the envelope (unread by the served process: hostile-input.test.ts)', async () => {
      const res = await t.request('POST', '/api/users', {
        token,
        body: { username: 'x', password: 'y'.repeat(2 * 1024 * 1024) },
      });
      expect(res.status).toBe(413);
      expect(res.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    test('bad ids in the path are 4xx on every route with parameters', async () => {
      let sent = 0;
      for (const r of routesOf(t)) {
        if (!r.path.includes(':')) continue;
        for (const id of BAD_IDS) {
          const res = await t.request(r.method, concretePath(r.path, id), {
            token,
            ...(MUTATING.has(r.method) ? { body: {} } : {}),
          });
          expectClientError(`${r.method} ${r.path} id=${id.slice(0, 20)}`, res);
          sent++;
        }
      }
      expect(sent).toBeGreaterThan(20);
    });

    test('bad query parameters are 4xx on every list', async () => {
      const lists = routesOf(t).filter(
        (r) =>
          r.method === 'GET' &&
          r.path.startsWith('/api/') &&
          !r.path.includes(':') &&
          ['/api/users/', '/api/roles', '/api/audit/'].includes(r.path),
      );
      expect(lists.length).toBe(3);
      for (const r of lists) {
        for (const q of BAD_QUERIES) {
          if (q.startsWith('enabled') && r.path !== '/api/users/') continue;
          if (q.startsWith('from') && r.path !== '/api/audit/') continue;
          const res = await t.request('GET', `${r.path}?${q}`, { token });
          expectClientError(`GET ${r.path}?${q.slice(0, 30)}`, res);
        }
      }
    });

    test('an unknown API route is a JSON 404, not the console page', async () => {
      const res = await t.request('GET', '/api/definitely-not-here', { token });
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('NOT_FOUND');
    });
  });
}
