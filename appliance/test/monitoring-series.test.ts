/**
 * Every series the shipped alert rules and Grafana dashboard (installer/monitoring/) query exists
 * in a real scrape: the appliance served from source with a real agent (libvirt's test:///default)
 * connected, both scraped over HTTP as Prometheus would. The rule tests feed series by hand, so
 * without this a rule can watch a name nothing exports and still pass.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnAgent } from './support/real-agent.ts';
import { apiSession, waitHealthy } from './support/served-app.ts';
import { freshDatabase } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

const MAIN = join(import.meta.dir, '..', 'src', 'main.ts');
const REDIS_URL = process.env.PADDOCK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const MONITORING = join(import.meta.dir, '..', '..', 'installer', 'monitoring');

/** Series Prometheus makes itself rather than scraping them. */
const SYNTHETIC = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/** The PromQL expressions of the rule files and the dashboard. */
function expressions(): Array<{ file: string; expr: string }> {
  const out: Array<{ file: string; expr: string }> = [];
  for (const file of readdirSync(MONITORING)) {
    const text = readFileSync(join(MONITORING, file), 'utf8');
    if (file.endsWith('.json')) {
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === 'object')
          for (const [key, value] of Object.entries(node)) {
            if (key === 'expr' && typeof value === 'string') out.push({ file, expr: value });
            else walk(value);
          }
      };
      walk(JSON.parse(text));
    } else if (file.endsWith('.yml') || file.endsWith('.yaml')) {
      // `expr:` (one line or a `|` block) in rule files; `series:` in the rule tests' inputs.
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const m = /^(\s*)-?\s*(expr|series):\s*(.*)$/.exec(lines[i] ?? '');
        if (!m) continue;
        let expr = (m[3] ?? '').trim();
        if (expr === '|' || expr === '>') {
          const indent = (m[1] ?? '').length;
          const body: string[] = [];
          while (i + 1 < lines.length) {
            const next = lines[i + 1] ?? '';
            if (next.trim() !== '' && next.length - next.trimStart().length <= indent) break;
            body.push(next);
            i++;
          }
          expr = body.join('\n');
        }
        out.push({ file, expr: expr.replace(/^'(.*)'$/s, '$1').replace(/^"(.*)"$/s, '$1') });
      }
    }
  }
  return out;
}

/** Metric names in a PromQL expression: identifiers that are not functions, keywords or labels. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names: string[] = [];
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = m[0];
    const after = bare.slice((m.index ?? 0) + name.length).trimStart();
    if (after.startsWith('(')) continue;
    if (PROMQL_WORDS.has(name.toLowerCase()) || SYNTHETIC.has(name)) continue;
    names.push(name);
  }
  return names;
}

/** Label names an expression selects or groups a metric by (other than target labels). */
function labelsUsed(expr: string, metric: string): string[] {
  const labels = new Set<string>();
  for (const m of expr.matchAll(new RegExp(`\\b${metric}\\{([^}]*)\\}`, 'g')))
    for (const l of (m[1] ?? '').matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.add(l[1] ?? '');
  for (const m of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g))
    if (expr.includes(metric)) for (const l of (m[1] ?? '').split(',')) labels.add(l.trim());
  for (const skip of ['job', 'instance', 'le', '']) labels.delete(skip);
  return [...labels];
}

/** Sample lines of an exposition, by metric name, with the label names each carries. */
function samples(text: string): Map<string, Set<string>> {
  const byName = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s/.exec(line);
    if (!m) continue;
    const labels = byName.get(m[1] ?? '') ?? new Set<string>();
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="/g)) labels.add(l[1] ?? '');
    byName.set(m[1] ?? '', labels);
  }
  return byName;
}

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
  const port = probe.port ?? 0;
  await probe.stop(true);
  return port;
}

describe('the monitoring files query series that exist', () => {
  const cleanups: Array<() => unknown> = [];
  let scraped = new Map<string, Set<string>>();
  let databaseEnv: Record<string, string> = {};

  beforeAll(async () => {
    const db = await freshDatabase('postgres');
    cleanups.push(db.drop);
    databaseEnv = db.env;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const appliance = Bun.spawn(
      [process.execPath, MAIN, 'serve', '--data', db.dataDir, '--port', String(port), '--host', '127.0.0.1'],
      {
        env: {
          ...process.env,
          ...db.env,
          PADDOCK_ADMIN_PASSWORD: 'monitoring-Admin-pass1',
          PADDOCK_HEARTBEAT_INTERVAL_MS: '500',
          PADDOCK_LOG_LEVEL: 'warn',
        },
        stdout: 'ignore',
        stderr: 'inherit',
      },
    );
    cleanups.push(async () => {
      appliance.kill('SIGTERM');
      await appliance.exited;
    });
    await waitHealthy(base, appliance, 90_000);
    const { api } = await apiSession(base, 'admin', 'monitoring-Admin-pass1');
    const agentMetrics = `127.0.0.1:${await freePort()}`;
    const agent = spawnAgent(
      base,
      (await api('POST', '/api/nodes/enrollment-tokens', {})).token,
      'test:///default',
      ['--metrics-listen', agentMetrics],
    );
    cleanups.push(() => agent.stop());
    await waitFor(
      'node online',
      async () => (await api('GET', '/api/nodes?status=online')).items[0],
      30_000,
      {
        intervalMs: 100,
        context: () => `agent log:\n${agent.log().slice(-2000)}`,
      },
    );
    // The first scrape is itself a request the second one reports.
    await fetch(`${base}/metrics`);
    const app = await waitFor(
      'appliance metrics',
      async () => {
        const res = await fetch(`${base}/metrics`);
        return res.ok && (await res.text());
      },
      10_000,
    );
    const host = await waitFor(
      'agent metrics with host figures',
      async () => {
        const res = await fetch(`http://${agentMetrics}/metrics`).catch(() => undefined);
        const text = res?.ok ? await res.text() : '';
        return text.includes('paddock_host_memory_total_bytes') && text;
      },
      30_000,
    );
    scraped = samples(`${app}\n${host}`);
  }, 180_000);

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  test('a `paddock worker` serves the tasks it settles, and leaves the installation state to `serve`', async () => {
    const listen = `127.0.0.1:${await freePort()}`;
    const worker = Bun.spawn([process.execPath, MAIN, 'worker', '--metrics-listen', listen], {
      env: { ...process.env, ...databaseEnv, REDIS_URL, PADDOCK_LOG_LEVEL: 'warn' },
      stdout: 'ignore',
      stderr: 'inherit',
    });
    try {
      const text = await waitFor(
        'worker metrics',
        async () => {
          if (worker.exitCode !== null) throw new Error(`paddock worker exited (${worker.exitCode})`);
          const res = await fetch(`http://${listen}/metrics`).catch(() => undefined);
          return res?.ok && (await res.text());
        },
        90_000,
        { intervalMs: 200 },
      );
      const series = samples(text);
      expect(series.get('paddock_tasks_total')).toEqual(new Set(['type', 'status']));
      expect(text).toContain('paddock_tasks_total{type="vm.start",status="failed"} 0');
      expect(series.has('paddock_node_up')).toBe(false);
      expect(series.has('process_resident_memory_bytes')).toBe(true);
    } finally {
      worker.kill('SIGTERM');
      await worker.exited;
    }
  }, 120_000);

  test('the extraction finds the names (a parser that finds none would pass anything)', () => {
    const names = new Set(expressions().flatMap((e) => metricNames(e.expr)));
    expect(names).toContain('paddock_node_up');
    expect(names).toContain('paddock_tasks_total');
    expect(names).toContain('paddock_http_request_duration_seconds_bucket');
    expect([...names].some((n) => ['rate', 'sum', 'by', 'status', 'le'].includes(n))).toBe(false);
  });

  test('every metric named in installer/monitoring/ has samples, with the labels the queries use', () => {
    const missing: string[] = [];
    for (const { file, expr } of expressions())
      for (const name of metricNames(expr)) {
        const labels = scraped.get(name);
        if (!labels) {
          missing.push(`${file}: ${name}`);
          continue;
        }
        for (const label of labelsUsed(expr, name))
          if (!labels.has(label)) missing.push(`${file}: ${name} has no label ${label}`);
      }
    expect([...new Set(missing)]).toEqual([]);
  });
});
