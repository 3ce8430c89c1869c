/**
 * The e2e harness: every console spec imports `test` and `expect` from here.
 *
 * Worker-scoped (one per Playwright worker, which is one at a time: workers: 1):
 *   prefix      `e2e` + 4 random characters; every name a spec creates starts with it.
 *   api         admin API client (ApiClient) for set-up that the spec is not about.
 *   (hypervisor's enrolled agent, behind the test-scoped `hypervisor`.)
 * Test-scoped:
 *   hypervisor  a real agent on qemu:///system, its node online; skips when libvirt is absent.
 *   uniqueName  (kind) → `${prefix}-${kind}-${n}`.
 *   adminPage   the default `page`, signed in as admin (no login form): the first goto lands inside.
 *   signedIn    (page, who?) → the page signed in as `who` (admin by default).
 *   pageAs      (who) → a new page in its own browser context signed in as `who` (e.g. a viewer).
 * Helpers re-exported: snap, expectAccessible, runAxe, blockingViolations, watchProblems.
 */
import { randomBytes } from 'node:crypto';
import { type Browser, type BrowserContextOptions, test as base, type Page } from '@playwright/test';
import { ApiClient, type Credentials } from './api-client';
import { ADMIN, BASE_URL } from './env';
import { type Hypervisor, type HypervisorSlot, setUpHypervisor } from './hypervisor';
import { seedSession } from './session';

export { expect } from '@playwright/test';
export { type AxeOptions, blockingViolations, expectAccessible, runAxe } from './accessibility';
export { ApiClient, ApiError, type CreatedUser, type Credentials } from './api-client';
export { ADMIN } from './env';
export type { Hypervisor } from './hypervisor';
export { watchProblems } from './problems';
export { snap } from './snap';

export interface HarnessWorkerFixtures {
  prefix: string;
  api: ApiClient;
  hypervisorSlot: HypervisorSlot;
}

export interface HarnessTestFixtures {
  hypervisor: Hypervisor;
  uniqueName: (kind: string) => string;
  adminPage: Page;
  signedIn: (page: Page, who?: Credentials) => Promise<Page>;
  pageAs: (who: Credentials) => Promise<Page>;
}

// Module state is per worker process, and so is the prefix: names stay unique across its tests.
let names = 0;

const originOf = (baseURL: string | undefined) => new URL(baseURL ?? BASE_URL).origin;

export const test = base.extend<HarnessTestFixtures, HarnessWorkerFixtures>({
  prefix: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixtures a function destructures.
    async ({}, use) => {
      const random = randomBytes(4).readUInt32BE(0).toString(36).padStart(4, '0').slice(-4);
      await use(`e2e${random}`);
    },
    { scope: 'worker' },
  ],

  api: [
    async ({ playwright, prefix }, use, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL ?? BASE_URL;
      const request = await playwright.request.newContext({ baseURL });
      await use(new ApiClient(request, ADMIN, prefix));
      await request.dispose();
    },
    { scope: 'worker' },
  ],

  hypervisorSlot: [
    async ({ api, prefix }, use, workerInfo) => {
      const { slot, teardown } = await setUpHypervisor({
        api,
        server: workerInfo.project.use.baseURL ?? BASE_URL,
        prefix,
        outputDir: workerInfo.project.outputDir,
      });
      try {
        await use(slot);
      } finally {
        await teardown();
      }
    },
    // Enrollment is seconds; teardown destroys domains (1–2 s each) and stops the agent.
    { scope: 'worker', timeout: 180_000 },
  ],

  hypervisor: async ({ hypervisorSlot, api }, use, testInfo) => {
    if (hypervisorSlot.kind === 'unavailable') {
      console.warn(`[e2e] SKIPPED ${testInfo.title}: ${hypervisorSlot.reason}`);
      testInfo.skip(true, `libvirt unavailable: ${hypervisorSlot.reason}`);
      return;
    }
    if (hypervisorSlot.kind === 'broken')
      throw new Error(`hypervisor set-up failed: ${hypervisorSlot.error}`);
    const { hypervisor } = hypervisorSlot;
    // An earlier test may have revoked or disconnected it; say so here rather than deep in a spec.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const node = await api.get<{ status: string; connected: boolean }>(`/api/nodes/${hypervisor.nodeId}`);
      if (node.status === 'online' && node.connected) break;
      if (Date.now() > deadline) {
        throw new Error(
          `the e2e node ${hypervisor.hostname} is ${node.status} (connected ${node.connected}); ` +
            `agent log:\n${hypervisor.agentLog()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await use(hypervisor);
  },

  uniqueName: async ({ prefix }, use) => {
    await use((kind: string) => {
      names += 1;
      return `${prefix}-${kind}-${names}`;
    });
  },

  adminPage: async ({ page, api, baseURL }, use) => {
    await seedSession(page.context(), originOf(baseURL), await api.login(ADMIN.username, ADMIN.password));
    await use(page);
  },

  signedIn: async ({ api, baseURL }, use) => {
    await use(async (page: Page, who: Credentials = ADMIN) => {
      await seedSession(page.context(), originOf(baseURL), await api.login(who.username, who.password));
      return page;
    });
  },

  pageAs: async (
    {
      browser,
      api,
      baseURL,
      viewport,
      locale,
      colorScheme,
      deviceScaleFactor,
      hasTouch,
      isMobile,
      userAgent,
    },
    use,
  ) => {
    // The same context options as the default page (the config's `use`), for another user.
    const options: BrowserContextOptions = { viewport, colorScheme, deviceScaleFactor, hasTouch, isMobile };
    if (baseURL) options.baseURL = baseURL;
    if (locale) options.locale = locale;
    if (userAgent) options.userAgent = userAgent;
    const contexts: Awaited<ReturnType<Browser['newContext']>>[] = [];
    await use(async (who: Credentials) => {
      const context = await browser.newContext(options);
      contexts.push(context);
      await seedSession(context, originOf(baseURL), await api.login(who.username, who.password));
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
});
