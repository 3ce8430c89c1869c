/**
 * Storage through the console: a pool on the real node, the test guest ISO uploaded as a stream
 * with its progress bar, an empty volume created and deleted, an upload cancelled midway (nothing
 * half-written stays), the pool deleted once empty, and a viewer who sees no mutating control.
 */
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page as ListPage } from '@paddock/protocol/api/list';
import type { Volume } from '@paddock/protocol/api/storage';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, snap, test, watchProblems } from './support/fixtures';

/** Picks `label` in the ng-zorro select whose search input has id `id`. */
async function choose(page: Page, id: string, label: string): Promise<void> {
  await page.locator(`nz-select:has(#${id})`).click();
  await page.locator('nz-option-item').filter({ hasText: label }).first().click();
}

/** Confirms the open ng-zorro confirm dialog (its danger button). */
async function confirmDialog(page: Page): Promise<void> {
  const dialog = page.locator('.ant-modal-confirm');
  await expect(dialog).toBeVisible();
  await dialog.locator('.ant-modal-confirm-btns .ant-btn-dangerous').click();
  await expect(dialog).toBeHidden();
}

const stateOf = (page: Page, rowId: string) => page.locator(`#${rowId} [data-state]`).first();

test('pools, ISO upload with progress, empty volumes, cancel midway, delete', async ({
  adminPage: page,
  hypervisor,
  api,
  uniqueName,
}) => {
  // Real uploads, libvirt tasks and eight axe scans: minutes on a loaded two-core machine.
  test.setTimeout(420_000);
  const problems = watchProblems(page);
  await page.goto('/storage');
  await expect(page.locator('#page-title')).toHaveText('Storage');
  await expect(page.locator('#pool-table')).toBeVisible();
  await snap(page, 'storage-01-pools-empty');
  await expectAccessible(page, 'storage pools');

  // Create a pool on the harness node, in the harness's pool directory.
  const poolName = uniqueName('pool');
  await page.locator('#create-pool').click();
  await expect(page.locator('#create-pool-form')).toBeVisible();
  // Client-side validation with the API's limits: a relative path is refused before sending.
  await page.locator('#pool-name').fill('-bad name');
  await page.locator('#pool-path').fill('relative/dir');
  await page.locator('#create-pool-submit').click();
  // Name and path are refused (the node too when more than one node is online to choose from).
  const errors = page.locator('#create-pool-form .ant-form-item-explain-error');
  await expect(errors.filter({ hasText: 'starting with a letter or digit' })).toHaveCount(1);
  await expect(errors.filter({ hasText: 'absolute path' })).toHaveCount(1);
  await snap(page, 'storage-02-create-pool-invalid');
  await page.locator('#pool-name').fill(poolName);
  await choose(page, 'pool-node', hypervisor.hostname);
  // The node's pool roots are offered; a path outside them (a system directory) is refused here.
  await expect(page.locator('#pool-roots')).toContainText(hypervisor.poolDir);
  await page.locator('#pool-path').fill('/etc');
  await expect(errors.filter({ hasText: "node's pool roots" })).toHaveCount(1);
  await page.locator(`#pool-roots button[data-root="${hypervisor.poolDir}"]`).click();
  await page.mouse.move(0, 0); // a hovered button is blue on white: not what the contrast check is about
  await expect(page.locator('#pool-path')).toHaveValue(`${hypervisor.poolDir}/${poolName}`);
  // A directory of its own under the harness's pool directory (libvirt builds it).
  await page.locator('#pool-path').fill(`${hypervisor.poolDir}/${poolName}`);
  await expect(page.locator('#create-pool-form .ant-form-item-explain-error')).toHaveCount(0);
  await snap(page, 'storage-03-create-pool');
  await expectAccessible(page, 'create pool dialog');
  await page.locator('#create-pool-submit').click();
  await expect(page.locator('#create-pool-form')).toBeHidden();
  const poolRow = page.locator(`#pool-row-${poolName}`);
  await expect(poolRow).toBeVisible();
  await expect(poolRow).toContainText(hypervisor.hostname);
  await expect(stateOf(page, `pool-row-${poolName}`)).toHaveAttribute('data-state', 'active', {
    timeout: 60_000,
  });
  await snap(page, 'storage-04-pool-active');

  // Upload the test guest ISO: the bar reaches 100 % and the volume is ready.
  const isoName = uniqueName('iso');
  const isoBytes = statSync(hypervisor.isoPath).size;
  await page.locator('#upload-image').click();
  await page.locator('#upload-file').setInputFiles(hypervisor.isoPath);
  await expect(page.locator('#upload-format-iso')).toHaveClass(/ant-radio-button-wrapper-checked/);
  await page.locator('#upload-name').fill(isoName);
  await choose(page, 'upload-pool', poolName);
  await snap(page, 'storage-05-upload-dialog');
  await expectAccessible(page, 'upload dialog');
  await page.locator('#upload-start').click();
  await expect(page.locator('#upload-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
  await expect(page.locator('#upload-progress')).toHaveAttribute('data-percent', '100');
  await expect(page.locator('#upload-done')).toContainText(isoName);
  await snap(page, 'storage-06-upload-done');
  await page.locator('#upload-close').click();

  // The page switched to the volumes tab with the new volume.
  await expect(page).toHaveURL(/tab=volumes/);
  const isoRow = page.locator(`#volume-row-${isoName}`);
  await expect(stateOf(page, `volume-row-${isoName}`)).toHaveAttribute('data-state', 'ready');
  await expect(isoRow).toContainText(poolName);
  await expect(isoRow).toContainText('iso');
  const uploaded = await api.get<ListPage<Volume>>(`/api/storage/volumes?q=${isoName}`);
  expect(uploaded.items.find((v) => v.name === isoName)?.sizeGb).toBeCloseTo(isoBytes / 1024 ** 3, 6);

  // An empty qcow2 volume: created, listed ready, deleted.
  const diskName = uniqueName('disk');
  await page.locator('#create-volume').click();
  await choose(page, 'volume-pool', poolName);
  await page.locator('#volume-name').fill(diskName);
  await page.locator('#volume-size').fill('1');
  await snap(page, 'storage-07-create-volume');
  await expectAccessible(page, 'create volume dialog');
  await page.locator('#create-volume-submit').click();
  await expect(stateOf(page, `volume-row-${diskName}`)).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });
  await expect(page.locator(`#volume-row-${diskName}`)).toContainText('qcow2');
  await snap(page, 'storage-08-volumes');
  await expectAccessible(page, 'storage volumes');

  // Filters narrow the list on the server.
  await choose(page, 'volume-filter-format', 'qcow2');
  await expect(page.locator(`#volume-row-${diskName}`)).toBeVisible();
  await expect(isoRow).toHaveCount(0);
  await page.locator('nz-select:has(#volume-filter-format) .ant-select-clear').click();
  await expect(isoRow).toBeVisible();

  await page.locator(`#volume-delete-${diskName}`).click();
  await confirmDialog(page);
  await expect(page.locator(`#volume-row-${diskName}`)).toHaveCount(0, { timeout: 60_000 });

  // A non-empty pool cannot be deleted: the appliance's reason is shown.
  await page.locator('#tab-pools-title').click();
  await page.locator(`#pool-delete-${poolName}`).click();
  await confirmDialog(page);
  await expect(page.locator('.ant-notification-notice').last()).toContainText('still holds 1 volume');
  await snap(page, 'storage-09-pool-not-empty');
  // The notice sits over the page header's buttons: dismiss it.
  await page.locator('.ant-notification-notice-close').last().click();
  await expect(page.locator('.ant-notification-notice')).toHaveCount(0);
  await expect(stateOf(page, `pool-row-${poolName}`)).toHaveAttribute('data-state', 'active');

  // Cancel an upload midway: a 200 MiB sparse file, sent at ~4 MiB/s (CDP throttling).
  const dir = mkdtempSync(join(tmpdir(), 'paddock-e2e-upload-'));
  const bigFile = join(dir, 'big.raw');
  const fd = openSync(bigFile, 'w');
  ftruncateSync(fd, 200 * 1024 * 1024);
  closeSync(fd);
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 4 * 1024 * 1024,
    });
    const partName = uniqueName('part');
    await page.locator('#upload-image').click();
    await page.locator('#upload-file').setInputFiles(bigFile);
    await expect(page.locator('#upload-format-raw')).toHaveClass(/ant-radio-button-wrapper-checked/);
    await page.locator('#upload-name').fill(partName);
    await choose(page, 'upload-pool', poolName);
    await page.locator('#upload-start').click();
    await expect(page.locator('#upload-rate')).toContainText('MiB/s');
    await expect
      .poll(async () => Number(await page.locator('#upload-progress').getAttribute('data-percent')), {
        timeout: 60_000,
      })
      .toBeGreaterThanOrEqual(5);
    await expect(page.locator('#upload-status')).toHaveAttribute('data-phase', 'sending');
    await snap(page, 'storage-10-upload-midway');
    await page.locator('#upload-cancel').click();
    await expect(page.locator('#upload-status')).toHaveAttribute('data-phase', 'cancelled');
    await page.locator('#upload-close').click();
    // The appliance removes the partial volume: no row of that name ends up ready, none stays.
    await expect
      .poll(
        async () =>
          (await api.get<ListPage<Volume>>(`/api/storage/volumes?q=${partName}`)).items.map((v) => v.status),
        { timeout: 30_000 },
      )
      .toEqual([]);
    await page.locator('#storage-refresh').click();
    await page.locator('#tab-volumes-title').click();
    await expect(page.locator(`#volume-row-${isoName}`)).toBeVisible();
    await expect(page.locator(`#volume-row-${partName}`)).toHaveCount(0);
  } finally {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();
    rmSync(dir, { recursive: true, force: true });
  }

  // Empty the pool, then delete it.
  await page.locator(`#volume-delete-${isoName}`).click();
  await confirmDialog(page);
  await expect(page.locator(`#volume-row-${isoName}`)).toHaveCount(0, { timeout: 60_000 });
  await page.locator('#tab-pools-title').click();
  await page.locator(`#pool-delete-${poolName}`).click();
  await confirmDialog(page);
  await expect(poolRow).toHaveCount(0, { timeout: 60_000 });
  await snap(page, 'storage-11-pool-deleted');

  expect(problems.filter((p) => !/status of (404|409)/.test(p))).toEqual([]);
});

test('a viewer sees pools and volumes but no create, upload or delete control', async ({
  pageAs,
  api,
  hypervisor,
  uniqueName,
}) => {
  // Set-up through the API: a pool with one volume to look at.
  const poolName = uniqueName('pool');
  const { pool, task } = await api.post<{ pool: { id: string }; task: { id: string } }>(
    '/api/storage/pools',
    {
      name: poolName,
      type: 'dir',
      nodeId: hypervisor.nodeId,
      path: `${hypervisor.poolDir}/${poolName}`,
    },
  );
  await api.waitTaskSucceeded(task.id);
  const diskName = uniqueName('disk');
  const created = await api.post<{ volume: { id: string }; task: { id: string } }>(
    `/api/storage/pools/${pool.id}/volumes`,
    { name: diskName, sizeGb: 0.01, format: 'raw' },
  );
  await api.waitTaskSucceeded(created.task.id);

  const viewer = await api.createUser({ role: 'viewer' });
  const page = await pageAs(viewer);
  const problems = watchProblems(page);
  await page.goto('/storage');
  await expect(stateOf(page, `pool-row-${poolName}`)).toHaveAttribute('data-state', 'active');
  await expect(page.locator('#create-pool')).toHaveCount(0);
  await expect(page.locator('#upload-image')).toHaveCount(0);
  await expect(page.locator('[id^="pool-delete-"]')).toHaveCount(0);
  await snap(page, 'storage-viewer-pools');
  await expectAccessible(page, 'storage pools (viewer)');

  await page.locator('#tab-volumes-title').click();
  await expect(stateOf(page, `volume-row-${diskName}`)).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('#create-volume')).toHaveCount(0);
  await expect(page.locator('[id^="volume-delete-"]')).toHaveCount(0);
  await snap(page, 'storage-viewer-volumes');
  await expectAccessible(page, 'storage volumes (viewer)');
  // Tablet width: the table scrolls sideways inside its box, nothing overlaps.
  await page.setViewportSize({ width: 768, height: 1024 });
  await expect(page.locator(`#volume-row-${diskName}`)).toBeVisible();
  await snap(page, 'storage-viewer-volumes-tablet');
  expect(problems).toEqual([]);

  // Clean up what the API set up (the harness also removes the pool from libvirt).
  const gone = await api.delete<{ task: { id: string } }>(`/api/storage/volumes/${created.volume.id}`);
  await api.waitTaskSucceeded(gone.task.id);
  const poolGone = await api.delete<{ task: { id: string } }>(`/api/storage/pools/${pool.id}`);
  await api.waitTaskSucceeded(poolGone.task.id);
});
