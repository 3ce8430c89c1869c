/**
 * The VM list, its bulk actions, the Create VM wizard and the list's row actions, through the UI,
 * against the real appliance, agent and QEMU of the harness. API calls only set up what a test is
 * not about (a pool and the test ISO; the three VMs of the bulk test).
 */
import { readFileSync } from 'node:fs';
import type { Page as ListPage } from '@paddock/protocol/api/list';
import type { Pool, PoolAccepted, Volume } from '@paddock/protocol/api/storage';
import type { Vm, VmAccepted } from '@paddock/protocol/api/vms';
import type { Page } from '@playwright/test';
import {
  ADMIN,
  type ApiClient,
  expect,
  expectAccessible,
  type Hypervisor,
  snap,
  test,
  watchProblems,
} from './support/fixtures';

// Live updates are pushed, not polled: a status change shows up well within this (the bound is
// for a heavily loaded 2-core machine, where the page itself renders slowly).
const LIVE_MS = 30_000;
// A start or stop is a task on TCG QEMU on a loaded machine.
const TASK_MS = 60_000;

/** One pool in the hypervisor's directory and the test ISO in it, made once per worker. */
let storage: Promise<{ pool: Pool; iso: Volume }> | undefined;
function storageFor(api: ApiClient, hypervisor: Hypervisor) {
  storage ??= (async () => {
    const { pool, task } = await api.post<PoolAccepted>('/api/storage/pools', {
      name: `${hypervisor.prefix}-vms`,
      type: 'dir',
      nodeId: hypervisor.nodeId,
      path: `${hypervisor.poolDir}/vms`,
    });
    await api.waitTaskSucceeded(task.id);
    const name = `${hypervisor.prefix}-guest.iso`;
    // The raw body, as the console's upload sends it (the harness's client speaks JSON).
    const { accessToken } = await api.login(ADMIN.username, ADMIN.password);
    const res = await api.request.post(
      `/api/storage/pools/${pool.id}/upload?name=${encodeURIComponent(name)}&format=iso`,
      {
        data: readFileSync(hypervisor.isoPath),
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/octet-stream' },
        timeout: 120_000,
      },
    );
    if (!res.ok()) throw new Error(`upload: ${res.status()} ${await res.text()}`);
    const volumes = await api.get<ListPage<Volume>>(`/api/storage/volumes?poolId=${pool.id}&format=iso`);
    const iso = volumes.items.find((v) => v.name === name);
    if (!iso) throw new Error(`the uploaded ISO ${name} is not listed`);
    await expect
      .poll(async () => (await api.get<Volume>(`/api/storage/volumes/${iso.id}`)).status)
      .toBe('ready');
    return { pool, iso };
  })();
  return storage;
}

/** A diskless VM made through the API (set-up for the tests that are not about creating). */
async function createVm(api: ApiClient, name: string): Promise<Vm> {
  const { vm, task } = await api.post<VmAccepted>('/api/vms', {
    name,
    vcpu: 1,
    memoryMb: 64,
    disks: [],
    nics: [],
    tags: ['e2e-bulk'],
  });
  await api.waitTaskSucceeded(task.id);
  return vm;
}

const row = (page: Page, name: string) => page.locator(`[id="vm-row-${name}"]`);
const rowState = (page: Page, name: string) => row(page, name).locator('pd-state-tag [data-state]');

/** Picks `label` in the ng-zorro select whose inner input has `id`. */
async function choose(page: Page, id: string, label: string | RegExp) {
  await page.locator(`nz-select:has(input[id="${id}"])`).click();
  await page.locator('nz-option-item').filter({ hasText: label }).first().click();
}

test('create a VM with the wizard: limits checked per step, placement preview, then it is in the list', async ({
  adminPage: page,
  api,
  hypervisor,
  uniqueName,
}) => {
  test.setTimeout(180_000);
  const { pool, iso } = await storageFor(api, hypervisor);
  const problems = watchProblems(page);
  const name = uniqueName('wiz');

  await page.goto('/vms');
  await expect(page.locator('#page-title')).toHaveText('Virtual machines');
  await expect(page.locator('#vm-table')).toBeVisible();
  await expectAccessible(page, 'vm list');
  await page.locator('#create-vm').click();
  await expect(page).toHaveURL(/\/vms\/new$/);

  // Basics: a name the API would refuse is refused here first.
  await page.locator('#vm-name').fill('-starts-with-dash');
  await page.locator('#wizard-next').click();
  await expect(page.locator('.ant-form-item-explain-error')).toContainText('starting with a letter or digit');
  await expect(page.locator('#wizard-step')).toHaveAttribute('data-step', 'basics');
  await page.locator('#vm-name').fill(name);
  await page.locator('#vm-description').fill('made by the wizard spec');
  await page.locator('#vm-tags').pressSequentially('e2e-wizard');
  await page.locator('#vm-tags').press('Enter');
  await expect(page.locator('#vm-tags-select')).toContainText('e2e-wizard');
  await page.locator('#vm-tags').press('Escape');
  await snap(page, 'wizard-1-basics');
  await expectAccessible(page, 'wizard basics');
  await page.locator('#wizard-next').click();

  // Resources: 0 vCPUs is refused, then a small guest.
  await expect(page.locator('#wizard-step')).toHaveAttribute('data-step', 'resources');
  await page.locator('#vm-memory').fill('128');
  await page.locator('#vm-memory').blur();
  await snap(page, 'wizard-2-resources');
  await page.locator('#wizard-next').click();

  // Disks: one new 1 GiB disk from the pool.
  await expect(page.locator('#wizard-step')).toHaveAttribute('data-step', 'disks');
  await page.locator('#disk-add-new').click();
  await choose(page, 'disk-0-pool', pool.name);
  await page.locator('#disk-0-size').fill('1');
  await page.locator('#disk-0-size').blur();
  await snap(page, 'wizard-3-disks');
  await expectAccessible(page, 'wizard disks');
  await page.locator('#wizard-next').click();

  // CD-ROM: the uploaded test ISO.
  await expect(page.locator('#wizard-step')).toHaveAttribute('data-step', 'cdrom');
  await choose(page, 'vm-cdrom', iso.name);
  await snap(page, 'wizard-4-cdrom');
  await page.locator('#wizard-next').click();

  // Networks: none (the VM may have no NIC).
  await expect(page.locator('#wizard-step')).toHaveAttribute('data-step', 'networks');
  await expect(page.locator('#nics-empty')).toBeVisible();
  await page.locator('#wizard-next').click();

  // Placement: automatic.
  await expect(page.locator('#wizard-step')).toHaveAttribute('data-step', 'placement');
  await snap(page, 'wizard-6-placement');
  await page.locator('#wizard-next').click();

  // Review: the preview names the harness node, which fits.
  await expect(page.locator('#wizard-step')).toHaveAttribute('data-step', 'review');
  await expect(page.locator('#placement-chosen')).toContainText(hypervisor.hostname);
  await expect(page.locator(`[id="placement-row-${hypervisor.hostname}"]`)).toHaveAttribute(
    'data-fits',
    'true',
  );
  await expect(page.locator('#placement-preview')).toHaveAttribute('data-node', hypervisor.nodeId);
  await snap(page, 'wizard-7-review-preview');
  await expectAccessible(page, 'wizard review');
  await page.locator('#wizard-submit').click();

  // 202 → the VM's page; the list then shows it, created and stopped.
  await expect(page).toHaveURL(/\/vms\/[0-9a-f-]{36}$/);
  const id = page.url().split('/').pop()!;
  const vm = await api.get<Vm>(`/api/vms/${id}`);
  expect(vm).toMatchObject({ name, vcpu: 1, memoryMb: 128, nodeId: hypervisor.nodeId, tags: ['e2e-wizard'] });
  expect(vm.diskIds).toHaveLength(1);
  expect(vm.cdromVolumeId).toBe(iso.id);
  await page.goto(`/vms?q=${encodeURIComponent(name)}`);
  await expect(row(page, name)).toBeVisible();
  await expect(rowState(page, name)).toHaveAttribute('data-state', 'stopped', { timeout: TASK_MS });
  await expect(row(page, name)).toContainText(hypervisor.hostname);
  await expect(row(page, name)).toContainText('e2e-wizard');
  expect(problems).toEqual([]);
});

test('bulk start and stop of three VMs follow the parent task and its children live', async ({
  adminPage: page,
  api,
  hypervisor,
  uniqueName,
}) => {
  test.setTimeout(240_000);
  const base = uniqueName('bulk');
  const vms = await Promise.all([1, 2, 3].map((i) => createVm(api, `${base}-${i}`)));
  const names = vms.map((vm) => vm.name);
  const problems = watchProblems(page);

  // The URL holds the query: a search for the three, sorted by name.
  await page.goto(`/vms?q=${encodeURIComponent(base)}&sort=name:asc`);
  for (const name of names)
    await expect(rowState(page, name)).toHaveAttribute('data-state', 'stopped', { timeout: LIVE_MS });
  await expect(page.locator('#vm-search')).toHaveValue(base);
  await snap(page, 'list-bulk-three');

  const selectAll = async () => {
    for (const name of names) await row(page, name).locator('input[type="checkbox"]').check();
    await expect(page.locator('#bulk-count')).toHaveText('3 selected');
  };

  await selectAll();
  await page.locator('#bulk-start').click();
  await expect(page.locator('#confirm-title')).toHaveText('Start 3 VM(s)?');
  await page.locator('#confirm-ok').click();
  await expect(page.locator('#bulk-panel')).toBeVisible();
  for (const name of names)
    await expect(page.locator(`[id="bulk-task-${name}"]`)).toHaveAttribute('data-status', 'succeeded', {
      timeout: TASK_MS,
    });
  await expect(page.locator('#bulk-parent')).toHaveAttribute('data-status', 'succeeded', {
    timeout: TASK_MS,
  });
  await snap(page, 'bulk-panel-start');
  await expectAccessible(page, 'bulk panel');
  await page.locator('.ant-drawer-close').click();
  // The rows changed in place from the VM events: no reload happened.
  for (const name of names)
    await expect(rowState(page, name)).toHaveAttribute('data-state', 'running', { timeout: LIVE_MS });
  await snap(page, 'list-three-running');

  await selectAll();
  await page.locator('#bulk-stop').click();
  await expect(page.locator('#confirm-title')).toHaveText('Power off 3 VM(s)?');
  await page.locator('#confirm-ok').click();
  await expect(page.locator('#bulk-parent')).toHaveAttribute('data-status', 'succeeded', {
    timeout: TASK_MS,
  });
  await page.locator('.ant-drawer-close').click();
  for (const name of names)
    await expect(rowState(page, name)).toHaveAttribute('data-state', 'stopped', { timeout: LIVE_MS });
  expect(problems).toEqual([]);
});

test('a virsh destroy shows up live in the open list; delete from the list after confirming', async ({
  adminPage: page,
  api,
  hypervisor,
  uniqueName,
}) => {
  test.setTimeout(180_000);
  const name = uniqueName('live');
  const vm = await createVm(api, name);
  const problems = watchProblems(page);
  await page.goto(`/vms?q=${encodeURIComponent(name)}`);
  await expect(rowState(page, name)).toHaveAttribute('data-state', 'stopped', { timeout: LIVE_MS });

  // Start from the row's quick action.
  await page.locator(`[id="vm-start-${name}"]`).click();
  await expect(rowState(page, name)).toHaveAttribute('data-state', 'running', { timeout: TASK_MS });

  // Outside Paddock: libvirt destroys the domain; the open page follows without a reload.
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations.push(frame.url()));
  hypervisor.virsh(['destroy', name]);
  await expect(rowState(page, name)).toHaveAttribute('data-state', 'stopped', { timeout: LIVE_MS });
  expect(navigations).toEqual([]);

  // Delete: the menu, the confirmation (with the disks), then the row goes away live.
  await page.locator(`[id="vm-more-${name}"]`).click();
  await page.locator(`[id="vm-delete-${name}"]`).click();
  await expect(page.locator('#confirm-title')).toHaveText('Delete 1 VM(s)?');
  await expect(page.locator('#confirm-names')).toContainText(name);
  await snap(page, 'delete-confirmation');
  await page.locator('#confirm-delete-disks').click();
  await page.locator('#confirm-ok').click();
  await expect(row(page, name)).toHaveCount(0, { timeout: TASK_MS });
  expect((await api.raw('GET', `/api/vms/${vm.id}`)).status).toBe(404);
  expect(hypervisor.virsh(['list', '--all', '--name']).stdout.split('\n')).not.toContain(name);
  expect(problems).toEqual([]);
});

test('a viewer sees the list but no create, bulk or row action', async ({
  api,
  hypervisor,
  pageAs,
  uniqueName,
}) => {
  const name = uniqueName('view');
  await createVm(api, name);
  const viewer = await api.createUser({ role: 'viewer' });
  const page = await pageAs(viewer);
  const problems = watchProblems(page);
  await page.goto(`/vms?q=${encodeURIComponent(name)}`);
  await expect(rowState(page, name)).toHaveAttribute('data-state', 'stopped', { timeout: LIVE_MS });
  await expect(row(page, name)).toContainText(hypervisor.hostname);
  await expect(page.locator('#create-vm')).toHaveCount(0);
  await expect(row(page, name).locator('input[type="checkbox"]')).toHaveCount(0);
  await expect(page.locator('#vm-table thead input[type="checkbox"]')).toHaveCount(0);
  await expect(row(page, name).locator('button')).toHaveCount(0);
  await expect(page.locator('#bulk-bar')).toHaveCount(0);
  await snap(page, 'list-as-viewer');
  await expectAccessible(page, 'vm list as viewer');
  // The wizard's URL typed by hand: the create button is absent, the API would refuse the submit.
  expect(problems).toEqual([]);
});
