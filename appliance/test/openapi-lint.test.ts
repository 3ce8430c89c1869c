import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from './support/test-app.ts';

const REDOCLY = join(import.meta.dir, '../../node_modules/@redocly/cli/bin/cli.js');

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer?: string }>;
}

/** Runs `redocly lint --extends recommended` on a document; returns its problems. */
async function redoclyLint(document: string): Promise<LintProblem[]> {
  const dir = mkdtempSync(join(tmpdir(), 'paddock-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, document);
    const proc = Bun.spawn(
      [process.execPath, REDOCLY, 'lint', '--extends', 'recommended', '--format', 'json', file],
      {
        stdout: 'pipe',
        stderr: 'pipe',
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
          NO_COLOR: '1',
        },
      },
    );
    const [out, err] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
    ]);
    await proc.exited;
    const start = out.indexOf('{');
    if (start < 0) throw new Error(`redocly printed no report: ${out}${err}`);
    return (JSON.parse(out.slice(start)) as { problems: LintProblem[] }).problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Operation = {
  'x-permission'?: string;
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
};

describe('the OpenAPI document', () => {
  let t: TestApp;
  let spec: {
    paths: Record<string, Record<string, Operation>>;
    components: { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };
  };
  let text: string;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    const res = await t.request('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    text = res.text;
    spec = res.json;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );

  test("passes Redocly's recommended lint with no error and no undocumented 4xx", async () => {
    const problems = await redoclyLint(text);
    const shown = problems.map(
      (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`,
    );
    expect(shown.filter((p) => p.startsWith('error'))).toEqual([]);
    // The warnings left are true to the API: no licence has been chosen yet, the probes answer
    // whatever the caller sends (no 4xx), and a WebSocket upgrade answers 101, not 2xx.
    const expected = [
      'warn info-license #/info',
      'warn operation-4xx-response #/paths/~1healthz/get/responses',
      'warn operation-4xx-response #/paths/~1readyz/get/responses',
      'warn operation-4xx-response #/paths/~1metrics/get/responses',
      'warn operation-2xx-response #/paths/~1ws~1console/get/responses',
      'warn operation-2xx-response #/paths/~1ws~1agent/get/responses',
    ];
    expect(shown.filter((p) => !expected.some((e) => p.startsWith(`${e}:`)))).toEqual([]);
  }, 120_000);

  test('each operation documents the 4xx answers it can give, with the error envelope', () => {
    const statusesOf = (path: string, method: string) =>
      Object.keys(spec.paths[path]?.[method]?.responses ?? {}).sort();
    expect(statusesOf('/api/users', 'post')).toEqual(
      expect.arrayContaining(['400', '401', '403', '409', '413', '422']),
    );
    expect(statusesOf('/api/users/{id}', 'get')).toEqual(expect.arrayContaining(['401', '403', '404']));
    expect(statusesOf('/api/auth/login', 'post')).toEqual(
      expect.arrayContaining(['400', '401', '413', '422', '429']),
    );
    expect(statusesOf('/api/auth/me', 'get')).toContain('401');
    expect(statusesOf('/api/auth/me', 'get')).not.toContain('403');
    const probes = new Set(['/healthz', '/readyz', '/metrics']);
    for (const { path, method, op } of operations()) {
      const fourXX = Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith('4'));
      if (probes.has(path)) continue;
      expect({ op: `${method} ${path}`, has4xx: fourXX.length > 0 }).toEqual({
        op: `${method} ${path}`,
        has4xx: true,
      });
      const secured = op['x-permission'] !== 'public' && op['x-permission'] !== 'agent';
      if (secured)
        expect({ op: `${method} ${path}`, has401: '401' in (op.responses ?? {}) }).toMatchObject({
          has401: true,
        });
      if (path.includes('{'))
        expect({ op: `${method} ${path}`, has404: '404' in (op.responses ?? {}) }).toMatchObject({
          has404: true,
        });
      for (const [, response] of fourXX) {
        const name = response.$ref?.split('/').pop() ?? '';
        const schema = spec.components.responses?.[name]?.content?.['application/json']?.schema;
        expect(schema?.$ref).toBe('#/components/schemas/ApiError');
      }
    }
  });

  test('request bodies are documented with their JSON schema', () => {
    const login = spec.paths['/api/auth/login']?.post?.requestBody?.content?.['application/json']?.schema;
    expect(JSON.stringify(login)).toContain('password');
    for (const { path, method, op } of operations()) {
      if (!op.requestBody) continue;
      expect({ op: `${method} ${path}`, types: Object.keys(op.requestBody.content).length > 0 }).toEqual({
        op: `${method} ${path}`,
        types: true,
      });
    }
  });

  test('no path has a trailing slash, and WebSocket routes are documented as GET upgrades', () => {
    for (const path of Object.keys(spec.paths)) expect(path.endsWith('/') && path !== '/').toBe(false);
    expect(Object.keys(spec.paths['/ws/console'] ?? {})).toEqual(['get']);
    expect(spec.paths['/ws/console']?.get?.responses?.['101']).toBeDefined();
  });
});
