import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env['E2E_PORT'] ?? 18080);
const baseURL = `http://127.0.0.1:${port}`;

/**
 * Browser tests drive the compiled `paddock` binary (see e2e/serve-binary.sh) with Debian's
 * Chromium (scripts/deps-browser.sh installs it); `playwright install` is never needed. Specs use
 * the harness in e2e/support/fixtures.ts: a real agent on the real libvirtd, real QEMU guests.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // Checks libvirt, builds the test guest ISO once; its returned teardown checks nothing was left.
  globalSetup: './e2e/support/global-setup.ts',
  // One worker: specs share one appliance and one hypervisor node, and a 2-core machine boots
  // one TCG guest at a time comfortably.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Real QEMU: a TCG boot is seconds when idle, tens of seconds on a loaded machine.
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: 'list',
  use: {
    ...devices['Desktop Chrome'],
    baseURL,
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'bash e2e/serve-binary.sh',
    url: `${baseURL}/healthz`,
    // A stray server on the port would be tested instead of the binary just built.
    reuseExistingServer: false,
    timeout: 90_000,
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});
