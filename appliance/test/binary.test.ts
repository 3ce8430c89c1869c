import { afterAll, describe, expect, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedBinary, postLogin as login, waitHealthy } from './support/served-app.ts';
import { freshDatabase } from './support/test-app.ts';

let nextPort = 19100 + Math.floor(Math.random() * 500);

async function run(bin: string, args: string[], env: Record<string, string>, cwd: string) {
  const proc = Bun.spawn([bin, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  return { code: await proc.exited, stdout, stderr };
}

async function serve(bin: string, args: string[], env: Record<string, string>, cwd: string) {
  const port = nextPort++;
  const started = performance.now();
  const proc = Bun.spawn([bin, 'serve', '--port', String(port), '--host', '127.0.0.1', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, proc);
  } catch (error) {
    proc.kill();
    const out = await new Response(proc.stdout).text();
    const err = await new Response(proc.stderr).text();
    throw new Error(`paddock serve did not become healthy (${(error as Error).message}):\n${out}\n${err}`);
  }
  return { proc, url, port, startMs: performance.now() - started };
}

async function stop(proc: Bun.Subprocess) {
  proc.kill('SIGTERM');
  await proc.exited;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

for (const dialect of ['pglite', 'postgres'] as const) {
  describe(`the compiled binary, copied alone, on ${dialect}`, () => {
    test('serves the API and the console, keeps data across restarts, and runs the admin CLI', async () => {
      const { dir, bin } = isolatedBinary();
      const db = await freshDatabase(dialect);
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }), db.drop);
      const dataDir = join(dir, 'data');
      const env = { ...db.env, PADDOCK_ADMIN_PASSWORD: 'bin-Admin-pass1' };

      const first = await serve(bin, ['--data', dataDir], env, dir);
      const token = (await (await login(first.url, 'admin', 'bin-Admin-pass1')).json()).accessToken;
      const created = await fetch(`${first.url}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ username: 'persisted', password: 'persist-pass-1', roles: ['viewer'] }),
      });
      expect(created.status).toBe(201);
      const page = await fetch(`${first.url}/some/deep/link`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Paddock</title>');
      if (dialect === 'pglite') {
        // A second process on the same embedded database would corrupt it: it must refuse.
        const clash = await run(bin, ['migrate', '--data', dataDir], env, dir);
        expect(clash.code).not.toBe(0);
        expect(clash.stderr).toContain('in use by process');
      }
      // A second appliance on a port already taken fails instead of silently sharing it.
      const portClash = await run(
        bin,
        ['serve', '--data', join(dir, 'other'), '--port', String(first.port), '--host', '127.0.0.1'],
        {},
        dir,
      );
      expect(portClash.code).not.toBe(0);
      await stop(first.proc);

      const migrated = await run(bin, ['migrate', '--data', dataDir], env, dir);
      expect(migrated.stdout).toContain('up to date');
      const createUser = await run(
        bin,
        ['admin', 'create-user', '--username', 'cli-user', '--role', 'operator', '--data', dataDir],
        env,
        dir,
      );
      expect(createUser.code).toBe(0);
      const cliPassword = /password: (\S+)/.exec(createUser.stdout)?.[1];
      expect(cliPassword).toBeString();
      const reset = await run(
        bin,
        ['admin', 'reset-password', '--username', 'persisted', '--data', dataDir],
        { ...env, PADDOCK_PASSWORD: 'reset-pass-123' },
        dir,
      );
      expect(reset.code).toBe(0);
      const unknown = await run(
        bin,
        ['admin', 'reset-password', '--username', 'ghost', '--data', dataDir],
        env,
        dir,
      );
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('does not exist');

      // Environment instead of flags, same data.
      const second = await serve(bin, [], { ...env, PADDOCK_DATA: dataDir }, dir);
      expect((await login(second.url, 'persisted', 'reset-pass-123')).status).toBe(200);
      expect((await login(second.url, 'cli-user', cliPassword!)).status).toBe(200);
      expect((await login(second.url, 'admin', 'bin-Admin-pass1')).status).toBe(200);
      await stop(second.proc);
    });
  });
}

test('without PADDOCK_ADMIN_PASSWORD the first start prints a random admin password once', async () => {
  const { dir, bin } = isolatedBinary();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const first = await serve(bin, ['--data', join(dir, 'data')], {}, dir);
  await stop(first.proc);
  const output = await new Response(first.proc.stdout).text();
  const password = /with password: (\S+)/.exec(output)?.[1];
  expect(password?.length).toBeGreaterThanOrEqual(16);
  const second = await serve(bin, ['--data', join(dir, 'data')], {}, dir);
  expect((await login(second.url, 'admin', password!)).status).toBe(200);
  await stop(second.proc);
  expect(await new Response(second.proc.stdout).text()).not.toContain('with password');
});

test('serves HTTPS when given a certificate (agents then use wss://)', async () => {
  const { dir, bin } = isolatedBinary();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const made = Bun.spawnSync([
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  expect(made.exitCode).toBe(0);
  const port = nextPort++;
  const proc = Bun.spawn(
    [bin, 'serve', '--data', join(dir, 'data'), '--port', String(port), '--host', '127.0.0.1'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        PADDOCK_TLS_CERT: join(dir, 'cert.pem'),
        PADDOCK_TLS_KEY: join(dir, 'key.pem'),
      },
      stdout: 'ignore',
      stderr: 'ignore',
    },
  );
  const ca = await Bun.file(join(dir, 'cert.pem')).text();
  let status = 0;
  for (let i = 0; i < 300 && !status; i++) {
    status = await fetch(`https://127.0.0.1:${port}/healthz`, { tls: { ca } })
      .then((r) => r.status)
      .catch(() => 0);
    if (!status) await Bun.sleep(100);
  }
  expect(status).toBe(200);
  // Without trusting the CA the connection is refused: the certificate is really checked.
  const untrusted = await fetch(`https://127.0.0.1:${port}/healthz`)
    .then(() => 'accepted')
    .catch(() => 'refused');
  expect(untrusted).toBe('refused');
  await stop(proc);
});
