// Shared by the console benchmarks (bench/console-*.ts): the appliance in-process on a real port
// (it serves the console built in web/dist, embedded as in the binary), Debian's Chromium driven by
// Playwright as in playwright.config.ts, and a browser context signed in without the login form.
import { type Browser, type BrowserContext, chromium } from '@playwright/test';
import { startLivenessSweeper } from '../appliance/src/agents/liveness.ts';
import { createTestApp, type Dialect } from '../appliance/test/support/test-app.ts';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn?: number;
}

/** A context whose pages start signed in (the console's `paddock.session` in localStorage). */
export async function signedInContext(
  browser: Browser,
  base: string,
  tokens: Tokens,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
  });
  const session = JSON.stringify({
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + (tokens.expiresIn ?? 900) * 1000,
  });
  await context.addInitScript(
    ({ value, origin }) => {
      if (window.location.origin === origin) window.localStorage.setItem('paddock.session', value);
    },
    { value: session, origin: new URL(base).origin },
  );
  return context;
}

/** The appliance on a fresh database, listening on a loopback port, its task worker running. */
export async function startAppliance(
  dialect: Dialect = 'postgres',
  env: Record<string, string> = {},
  // Seeded nodes send no heartbeats: without the sweeper they stay online as seeded.
  options: { sweeper?: boolean } = {},
) {
  const t = await createTestApp(dialect, env);
  t.app.listen({ hostname: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${t.app.server!.port}`;
  const stopSweeper =
    options.sweeper === false ? () => {} : startLivenessSweeper(t.services.sessions, t.ctx.logger, 30_000);
  t.services.worker.start();
  const tokens = await t.login();
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await t.request(method, path, {
      token: tokens.accessToken,
      ...(body !== undefined && { body }),
    });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.json;
  };
  return {
    t,
    base,
    tokens,
    api,
    async close() {
      stopSweeper();
      await t.services.worker.stop();
      await t.app.stop(true);
      await t.close();
    },
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};
