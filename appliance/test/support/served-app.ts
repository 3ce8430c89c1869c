import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

// An appliance running as its own process (the compiled binary, or main.ts from source), reached
// over real HTTP; test-app.ts drives one in-process instead.

/** The compiled appliance, as CI builds it before the tests (scripts/build.sh). */
export const BINARY =
  process.env.PADDOCK_BINARY ?? join(import.meta.dir, '..', '..', '..', 'dist', 'paddock');

/** A copy of the binary alone in an empty directory, as an operator would install it. */
export function isolatedBinary(): { dir: string; bin: string } {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: build it with scripts/build.sh first`);
  const dir = mkdtempSync(join(tmpdir(), 'paddock-bin-'));
  const bin = join(dir, 'paddock');
  copyFileSync(BINARY, bin);
  Bun.spawnSync(['chmod', '+x', bin]);
  return { dir, bin };
}

/** Resolves once `base`/healthz answers 2xx; fails at once if `proc` exits first. */
export function waitHealthy(base: string, proc?: Bun.Subprocess, timeoutMs = 30_000): Promise<true> {
  return waitFor(
    `${base}/healthz`,
    async () => {
      if (proc && (proc.exitCode !== null || proc.signalCode !== null))
        throw new Error(
          `the appliance exited (${proc.exitCode ?? proc.signalCode}) before ${base}/healthz answered`,
        );
      return fetch(`${base}/healthz`)
        .then((r) => r.ok)
        .catch(() => false);
    },
    timeoutMs,
    { intervalMs: 100 },
  );
}

/** POST /api/auth/login; the response as it came. */
export function postLogin(base: string, username: string, password: string): Promise<Response> {
  return fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

/** Logs in; `api` sends JSON with the session's token and returns the parsed answer (non-2xx throws). */
export async function apiSession(base: string, username: string, password: string) {
  const login = await postLogin(base, username, password);
  if (!login.ok) throw new Error(`login ${username} at ${base}: ${login.status} ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const api = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return { accessToken, api };
}
