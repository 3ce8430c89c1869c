/**
 * The dashboard with the run's hypervisor online: node, VM and task figures, allocation bars, the
 * node load charts drawn from its heartbeats, and links that lead to their pages. Other engineers'
 * domains on the shared libvirtd may appear as unmanaged VMs, so counts are checked for
 * consistency, never for exact global values.
 */
import type { Page } from '@playwright/test';
import { expect, expectAccessible, snap, test, watchProblems } from './support/fixtures';

/** Whether the canvas inside `selector` has at least `min` pixels that are not transparent. */
async function drawnPixels(page: Page, selector: string): Promise<number> {
  return page
    .locator(`${selector} canvas`)
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext('2d');
      if (!context) return 0;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let drawn = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) drawn++;
      return drawn;
    });
}

test('the dashboard shows the online hypervisor, counts, drawn charts and links to the pages', async ({
  adminPage: page,
  api,
  hypervisor,
}) => {
  test.setTimeout(120_000);
  const problems = watchProblems(page);
  // Set-up: the node has sent at least one heartbeat since it came online, so there is a line.
  await expect
    .poll(
      async () =>
        (await api.get<{ points: unknown[] }>(`/api/nodes/${hypervisor.nodeId}/metrics?minutes=60`)).points
          .length,
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0);

  await page.goto('/dashboard');
  await expect(page.locator('#appliance-status')).toHaveAttribute('data-status', 'success');

  const online = page.locator('#dash-nodes-online');
  await expect(online).toBeVisible();
  expect(Number(await online.getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
  const total = Number(await page.locator('#dash-nodes-total').textContent());
  const parts = await Promise.all(
    ['online', 'offline', 'maintenance'].map(async (s) =>
      Number(await page.locator(`#dash-nodes-${s}`).getAttribute('data-count')),
    ),
  );
  expect(parts.reduce((a, b) => a + b, 0)).toBe(total);

  // The VM states add up to the total; the capacity bars have figures of the online nodes.
  const vmTotal = Number(await page.locator('#dash-vms-total').textContent());
  const stateCounts = await page
    .locator('#dash-vms a[data-count]')
    .evaluateAll((links) => links.map((a) => Number(a.getAttribute('data-count'))));
  expect(stateCounts.reduce((a, b) => a + b, 0)).toBe(vmTotal);
  for (const bar of ['vcpu', 'memory', 'disk'])
    await expect(page.locator(`#dash-capacity-${bar}`)).toBeVisible();
  await expect(page.locator('#dash-capacity-vcpu')).toContainText(/\d+ of [1-9]\d*/);

  // The charts: the hypervisor is charted, with points, and the canvas is really drawn.
  for (const chart of ['#dash-chart-cpu', '#dash-chart-mem']) {
    await expect(page.locator(`${chart} [data-points]`)).not.toHaveAttribute('data-points', '0');
    await expect.poll(() => drawnPixels(page, chart)).toBeGreaterThan(500);
  }
  await expect(page.locator('#dash-recent-tasks')).toBeVisible();
  await expect(page.locator('#dash-recent-failures')).toBeVisible();
  await snap(page, 'dashboard');
  await expectAccessible(page, 'dashboard');

  // At tablet width nothing overlaps: the cards stack.
  await page.setViewportSize({ width: 768, height: 1024 });
  await expect(page.locator('#dash-chart-cpu canvas').first()).toBeVisible();
  await snap(page, 'dashboard-tablet');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Each figure links to its page.
  await online.click();
  await expect(page).toHaveURL(/\/nodes\?status=online$/);
  await expect(page.locator(`#node-row-${hypervisor.hostname}`)).toHaveAttribute('data-status', 'online');
  await page.goBack();
  await page.locator('#dash-tasks-failed').click();
  await expect(page).toHaveURL(/\/tasks\?status=failed$/);
  await page.goBack();
  const firstState = page.locator('#dash-vms a[data-count]').first();
  if ((await firstState.count()) > 0) {
    const id = (await firstState.getAttribute('id')) ?? '';
    await firstState.click();
    await expect(page).toHaveURL(new RegExp(`/vms\\?status=${id.replace('dash-vms-', '')}$`));
    await page.goBack();
  }
  await page.locator('#dash-nodes-link').click();
  await expect(page).toHaveURL(/\/nodes$/);
  expect(problems).toEqual([]);
});
