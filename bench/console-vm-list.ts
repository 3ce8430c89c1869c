// The VM list page in Chromium with 50 and with 25,000 VMs in the database (PostgreSQL; rows
// seeded in SQL as in bench/vm-list-25k.ts), in one run:
//  - navigation → every row of the first page rendered (performance.now() in the page, whose zero
//    is the navigation's start), and a click on "next page" → the second page's rows rendered;
//  - baseline: the same `GET /api/vms` calls alone (same page size), from this process over HTTP.
// Then the initial JavaScript of the login route and of the VM list route, fresh cache: the bytes
// Chromium received (whatever encoding the appliance served) and, for comparison, the same files
// gzipped (-9) here.
// Usage: PADDOCK_LOG_LEVEL=warn bun bench/console-vm-list.ts   (needs web/dist: scripts/build.sh;
// BENCH_ROUNDS, default 10; BENCH_VMS, default 25000)
import type { Page } from '@playwright/test';
import { sql } from 'kysely';
import { launchChromium, median, signedInContext, startAppliance } from './console-support.ts';
import { fmt } from './support.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const LARGE = Number(process.env.BENCH_VMS ?? 25_000);
const NODES = 50;
// The console's default page size (web/src/app/routes/vms/list/vm-list.query.ts).
const PAGE_SIZE = 20;

type Db = Parameters<ReturnType<typeof sql>['execute']>[0];

const seedNodes = (db: Db) =>
  sql`
  INSERT INTO nodes (id, hostname, status, cpu_total, mem_total, updated_at)
  SELECT gen_random_uuid(), 'hv-' || g, 'online', 64, 512 * 1024::bigint ^ 3, now()
  FROM generate_series(1, ${NODES}::int) g`.execute(db);

/** VMs number `from`..`to`, spread over the nodes, four statuses, tags and descriptions. */
const seedVms = (db: Db, from: number, to: number) =>
  sql`
  WITH numbered AS (SELECT id, row_number() OVER (ORDER BY hostname) AS k FROM nodes)
  INSERT INTO vms (id, uuid, name, description, node_id, status, vcpu, memory_mb, tags, created_at, updated_at)
  SELECT gen_random_uuid(), gen_random_uuid(), 'vm-' || lpad(g::text, 6, '0') || '-' || left(md5(g::text), 8),
    'bench VM ' || g, (SELECT id FROM numbered WHERE k = 1 + g % ${NODES}::int),
    (ARRAY['running', 'stopped', 'paused', 'error'])[1 + g % 4], 1 + g % 8, 512 * (1 + g % 16),
    jsonb_build_array('team-' || g % 20), now() - make_interval(secs => g), now()
  FROM generate_series(${from}::int, ${to}::int) g`.execute(db);

/** performance.now() in the page once `count` rows are shown and the first is `first`. */
function rowsShown(page: Page, count: number, first: string): Promise<number> {
  return page.evaluate(
    ({ count, first }) =>
      new Promise<number>((resolve, reject) => {
        const done = () => {
          const rows = document.querySelectorAll('#vm-table tbody tr[id^="vm-row-"]');
          if (rows.length !== count || rows[0]?.id !== `vm-row-${first}`) return false;
          resolve(performance.now());
          return true;
        };
        if (done()) return;
        // Checked on every DOM change, so the time is that of the change itself (no polling step).
        const observer = new MutationObserver(() => done() && observer.disconnect());
        observer.observe(document, { childList: true, subtree: true, attributes: true });
        setTimeout(() => reject(new Error(`rows of ${first} not shown in 30 s`)), 30_000);
      }),
    { count, first },
  );
}

async function main() {
  const app = await startAppliance('postgres', {}, { sweeper: false });
  const browser = await launchChromium();
  const rows: string[] = [];
  try {
    const db = app.t.ctx.db as unknown as Db;
    await seedNodes(db);
    let seeded = 0;
    for (const total of [50, LARGE]) {
      await seedVms(db, seeded + 1, total);
      seeded = total;
      await sql`ANALYZE`.execute(db);
      const headers = { authorization: `Bearer ${app.tokens.accessToken}` };
      const apiPage = async (page: number) => {
        const t0 = performance.now();
        const res = await fetch(`${app.base}/api/vms?page=${page}&pageSize=${PAGE_SIZE}`, { headers });
        const body = (await res.json()) as { items: Array<{ name: string }> };
        return { ms: performance.now() - t0, first: body.items[0]!.name, count: body.items.length };
      };
      const [p1, p2] = [await apiPage(1), await apiPage(2)];
      const context = await signedInContext(browser, app.base, app.tokens);
      const firstMs: number[] = [];
      const nextMs: number[] = [];
      const api1: number[] = [];
      const api2: number[] = [];
      const toRequest: number[] = [];
      const inRequest: number[] = [];
      const toRows: number[] = [];
      let cold = 0;
      for (let round = -1; round < ROUNDS; round++) {
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
        await page.goto('/vms', { waitUntil: 'commit' });
        const shown = await rowsShown(page, p1.count, p1.first).catch(async (error) => {
          await page.screenshot({ path: '/tmp/console-vm-list-failure.png' });
          throw new Error(
            `${error}; console errors: ${problems.join(' | ')}; see /tmp/console-vm-list-failure.png`,
          );
        });
        const clicked = await page.evaluate(() => {
          const next = document.querySelector<HTMLElement>(
            '#vm-table .ant-pagination-next button, #vm-table li.ant-pagination-next',
          );
          const t = performance.now();
          next!.click();
          return t;
        });
        const nextShown = await rowsShown(page, p2.count, p2.first);
        // Where the time went: click → request sent, the request, response → rows in the DOM.
        const request = await page.evaluate(() => {
          const entry = performance
            .getEntriesByType('resource')
            .filter((e) => e.name.includes('/api/vms?') && e.name.includes('page=2'))
            .pop() as PerformanceResourceTiming | undefined;
          return entry ? { start: entry.startTime, end: entry.responseEnd } : null;
        });
        await page.close();
        // Round -1 is the first visit (empty cache): reported alone.
        if (round < 0) cold = shown;
        else {
          firstMs.push(shown);
          nextMs.push(nextShown - clicked);
          if (request) {
            toRequest.push(request.start - clicked);
            inRequest.push(request.end - request.start);
            toRows.push(nextShown - request.end);
          }
          api1.push((await apiPage(1)).ms);
          api2.push((await apiPage(2)).ms);
        }
      }
      await context.close();
      rows.push(
        `  ${String(total).padStart(6)} VMs  navigation → ${PAGE_SIZE} rows p50 ${fmt(median(firstMs), 0).padStart(4)} ms` +
          ` (first visit ${fmt(cold, 0)} ms)  | GET /api/vms alone p50 ${fmt(median(api1), 1).padStart(5)} ms` +
          `  | ratio ${fmt(median(firstMs) / median(api1), 1)}x`,
        `  ${String(total).padStart(6)} VMs  next page click → rows  p50 ${fmt(median(nextMs), 0).padStart(4)} ms` +
          `                     | GET page 2 alone p50 ${fmt(median(api2), 1).padStart(5)} ms` +
          `  | ratio ${fmt(median(nextMs) / median(api2), 1)}x`,
        `  ${' '.repeat(6)}       of which: click → request sent ${fmt(median(toRequest), 0)} ms, request ${fmt(median(inRequest), 0)} ms, response → rows ${fmt(median(toRows), 0)} ms`,
      );
    }

    // Initial JS, empty cache: the login route signed out, the VM list route signed in.
    const js = async (signedIn: boolean, path: string, ready: string) => {
      const context = signedIn
        ? await signedInContext(browser, app.base, app.tokens)
        : await browser.newContext({ baseURL: app.base });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const scripts = new Map<string, { url: string; encoding: string }>();
      const bytes = new Map<string, number>();
      cdp.on('Network.responseReceived', (e) => {
        if (e.type === 'Script')
          scripts.set(e.requestId, {
            url: e.response.url,
            encoding: String(
              e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? 'identity',
            ),
          });
      });
      cdp.on('Network.loadingFinished', (e) => bytes.set(e.requestId, e.encodedDataLength));
      await page.goto(path);
      await page.waitForSelector(ready);
      await page.waitForLoadState('networkidle').catch(() => {});
      let transferred = 0;
      let raw = 0;
      let gzip = 0;
      const encodings = new Set<string>();
      for (const [id, script] of scripts) {
        transferred += bytes.get(id) ?? 0;
        encodings.add(script.encoding);
        const body = new Uint8Array(
          await (await fetch(script.url, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer(),
        );
        raw += body.length;
        gzip += Bun.gzipSync(body, { level: 9 }).length;
      }
      await context.close();
      return { files: scripts.size, transferred, raw, gzip, encodings: [...encodings].join('+') };
    };
    const login = await js(false, '/login', '#login-username');
    const list = await js(true, '/vms', '#vm-table tbody tr[id^="vm-row-"]');

    console.log(
      `\nVM list page in Chromium (page size ${PAGE_SIZE}, PostgreSQL), p50 of ${ROUNDS} warm rounds`,
    );
    console.log('  (baseline: the same GET /api/vms call alone over HTTP, same run)');
    for (const row of rows) console.log(row);
    console.log(
      '\nInitial JavaScript, empty cache (bytes on the wire incl. headers | raw | gzip -9 of the same files)',
    );
    for (const [label, r] of [
      ['login route /login', login],
      ['VM list route /vms', list],
    ] as const) {
      console.log(
        `  ${label.padEnd(20)} ${r.files} files  transferred ${fmt(r.transferred / 1024, 1)} KiB (${r.encodings})` +
          `  | raw ${fmt(r.raw / 1024, 1)} KiB  | gzip -9 ${fmt(r.gzip / 1024, 1)} KiB`,
      );
    }
  } finally {
    await browser.close();
    await app.close();
  }
}

await main();
process.exit(0);
