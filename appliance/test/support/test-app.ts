import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { loadPgliteAssets } from '../../src/db/pglite-assets.ts';
import { loadConfig } from '../../src/config.ts';
import { createApp } from '../../src/http/app.ts';
import { type AppServices, createServices } from '../../src/services.ts';
import { openAppContext } from '../../src/runtime.ts';

/** Every database test runs on both engines. */
export const DIALECTS = ['pglite', 'postgres'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** The real PostgreSQL on this machine (and CI's): tests create a throwaway database in it. */
export const PG_ADMIN_URL = process.env.PADDOCK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const ADMIN_PASSWORD = 'test-Admin-pass1';

// initdb of PGlite takes seconds; do it once per test process and copy the empty cluster.
let pgliteTemplate: Promise<string> | undefined;
function emptyPgliteCluster(): Promise<string> {
  pgliteTemplate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paddock-pglite-template-'));
    const pglite = await PGlite.create({ dataDir: join(dir, 'db'), ...(await loadPgliteAssets()) });
    await pglite.close();
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    return join(dir, 'db');
  })();
  return pgliteTemplate;
}

/** A fresh, empty database of the given kind; `drop` removes it. */
export async function freshDatabase(
  dialect: Dialect,
): Promise<{ env: Record<string, string>; dataDir: string; drop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paddock-test-'));
  if (dialect === 'pglite') {
    cpSync(await emptyPgliteCluster(), join(dataDir, 'db'), { recursive: true });
    return { env: {}, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `paddock_t_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    dataDir,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A real appliance app on a fresh database, driven through `app.handle` (no port). */
export async function createTestApp(dialect: Dialect, env: Record<string, string> = {}) {
  const database = await freshDatabase(dialect);
  const config = loadConfig(new Map([['data', database.dataDir]]), {
    PADDOCK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...database.env,
    ...env,
  });
  const { ctx, close } = await openAppContext(config);
  const services: AppServices = createServices(ctx);
  const app = createApp(ctx, services);

  /** Sends a request; JSON bodies are serialized, strings sent as they are. */
  async function request(
    method: string,
    path: string,
    opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const res = await app.handle(new Request(`http://localhost${path}`, { method, headers, body }));
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  /** Logs in and returns the token pair. */
  async function login(username = 'admin', password = ADMIN_PASSWORD) {
    const res = await request('POST', '/api/auth/login', { body: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${res.text}`);
    return res.json as { accessToken: string; refreshToken: string; user: { id: string } };
  }

  /** Creates a user with roles and returns their access token. */
  async function userWithRoles(username: string, roles: string[]) {
    const admin = await login();
    const res = await request('POST', '/api/users', {
      token: admin.accessToken,
      body: { username, password: 'user-pass-123', roles },
    });
    if (res.status !== 201) throw new Error(`create ${username}: ${res.status} ${res.text}`);
    return { ...(await login(username, 'user-pass-123')), id: res.json.id as string };
  }

  return {
    app,
    ctx,
    services,
    request,
    login,
    userWithRoles,
    async close() {
      await close();
      await database.drop();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
