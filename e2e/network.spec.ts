/**
 * Networks through the console: a network on a real Linux bridge this spec creates on the host,
 * the topology drawn (node → bridge → VM) on a canvas, deleting a network in use refused with the
 * appliance's reason, then deleted once free; a viewer sees no mutating control.
 */
import { execFileSync } from 'node:child_process';
import type { Network } from '@paddock/protocol/api/networks';
import type { Vm } from '@paddock/protocol/api/vms';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, snap, test, watchProblems } from './support/fixtures';

/** Confirms the open ng-zorro confirm dialog (its danger button). */
async function confirmDialog(page: Page): Promise<void> {
  const dialog = page.locator('.ant-modal-confirm');
  await expect(dialog).toBeVisible();
  await dialog.locator('.ant-modal-confirm-btns .ant-btn-dangerous').click();
  await expect(dialog).toBeHidden();
}

/** Pixels of the chart's canvas that are not transparent. */
async function paintedPixels(page: Page): Promise<number> {
  return page
    .locator('#topology-chart canvas')
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext('2d');
      if (!context) return 0;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
      return painted;
    });
}

let bridge = '';

test.beforeAll(({ prefix }) => {
  // A Linux interface name has at most 15 characters: `e2e` + 4 + `br` is 9.
  bridge = `${prefix}br`;
  execFileSync('ip', ['link', 'add', bridge, 'type', 'bridge']);
  execFileSync('ip', ['link', 'set', bridge, 'up']);
});

test.afterAll(() => {
  if (bridge) execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' });
});

test('create a network on a host bridge, see it in the topology with a VM, delete it', async ({
  adminPage: page,
  hypervisor,
  api,
  uniqueName,
}) => {
  const problems = watchProblems(page);
  await page.goto('/network');
  await expect(page.locator('#page-title')).toHaveText('Network');
  await expect(page.locator('#network-table')).toBeVisible();

  const name = uniqueName('net');
  await page.locator('#create-network').click();
  await expect(page.locator('#create-network-form')).toBeVisible();
  // The API's limits, checked before sending: a 16-character bridge name, a /33; the MTU field
  // itself keeps to 576–9216.
  await page.locator('#network-name').fill(name);
  await page.locator('#network-bridge').fill('br-sixteen-chars');
  await page.locator('#network-cidr').fill('10.77.0.0/33');
  await page.locator('#network-mtu').fill('100');
  await page.locator('#create-network-submit').click();
  await expect(page.locator('#create-network-form .ant-form-item-explain-error')).toHaveCount(2);
  await expect(page.locator('#network-mtu')).toHaveValue('576');
  await snap(page, 'network-01-create-invalid');
  await page.locator('#network-bridge').fill(bridge);
  await page.locator('#network-cidr').fill('10.77.0.0/24');
  await page.locator('#network-gateway').fill('10.77.0.1');
  await page.locator('#network-mtu').fill('1500');
  await expect(page.locator('#create-network-form .ant-form-item-explain-error')).toHaveCount(0);
  await snap(page, 'network-02-create');
  await expectAccessible(page, 'create network dialog');
  await page.locator('#create-network-submit').click();
  await expect(page.locator('#create-network-form')).toBeHidden();

  const row = page.locator(`#network-row-${name}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText(bridge);
  await expect(row).toContainText('10.77.0.0/24');
  await expect(row).toContainText('10.77.0.1');
  await expect(row).toContainText('1500');
  await snap(page, 'network-03-list');
  await expectAccessible(page, 'network list');

  // A VM on the harness node with a NIC on the new network (set-up: through the API).
  const network = (await api.get<{ items: Network[] }>(`/api/networks?q=${name}`)).items.find(
    (n) => n.name === name,
  )!;
  const vmName = uniqueName('vm');
  const { vm, task } = await api.post<{ vm: Vm; task: { id: string } }>('/api/vms', {
    name: vmName,
    vcpu: 1,
    memoryMb: 64,
    disks: [],
    nics: [{ networkId: network.id }],
    nodeId: hypervisor.nodeId,
  });
  await api.waitTaskSucceeded(task.id);

  // Topology: the harness node, the bridge and the VM, drawn on a canvas.
  await page.locator('#tab-topology-title').click();
  await expect(page).toHaveURL(/tab=topology/);
  const topology = page.locator('#topology');
  await expect(topology).toHaveAttribute('data-ready', 'true');
  await expect.poll(async () => Number(await topology.getAttribute('data-vms'))).toBeGreaterThanOrEqual(1);
  await expect.poll(() => paintedPixels(page), { timeout: 15_000 }).toBeGreaterThan(2_000);
  const list = page.locator('#topology-list');
  await list.locator('summary').click();
  const host = list.locator(`li[data-node="${hypervisor.nodeId}"]`);
  await expect(host).toContainText(hypervisor.hostname);
  await expect(host.locator(`li[data-network="${network.id}"] li[data-vm="${vm.id}"]`)).toContainText(vmName);
  // Let the force layout settle before the picture.
  await page.waitForTimeout(1500);
  await snap(page, 'network-04-topology');
  await expectAccessible(page, 'network topology');

  // From the topology to the VM's page.
  await host.locator(`li[data-vm="${vm.id}"] a`).click();
  await expect(page).toHaveURL(new RegExp(`/vms/${vm.id}$`));

  // In use: the appliance refuses, naming the VM.
  await page.goto('/network');
  await page.locator(`#network-delete-${name}`).click();
  await confirmDialog(page);
  await expect(page.locator('.ant-notification-notice').last()).toContainText(`is used by ${vmName}`);
  await snap(page, 'network-05-in-use');
  await expect(row).toBeVisible();

  // Free it, then delete it.
  const gone = await api.delete<{ task: { id: string } }>(`/api/vms/${vm.id}?deleteDisks=true`);
  await api.waitTaskSucceeded(gone.task.id);
  await page.locator(`#network-delete-${name}`).click();
  await confirmDialog(page);
  await expect(row).toHaveCount(0);
  await page.reload();
  await expect(page.locator('#network-table')).toBeVisible();
  await expect(row).toHaveCount(0);

  expect(problems.filter((p) => !/status of 409/.test(p))).toEqual([]);
});

test('a viewer sees networks and the topology but no create or delete control', async ({
  pageAs,
  api,
  hypervisor,
  uniqueName,
}) => {
  const name = uniqueName('net');
  const network = await api.post<Network>('/api/networks', { name, type: 'bridge', bridge });
  const viewer = await api.createUser({ role: 'viewer' });
  const page = await pageAs(viewer);
  const problems = watchProblems(page);
  await page.goto('/network');
  await expect(page.locator(`#network-row-${name}`)).toBeVisible();
  await expect(page.locator('#create-network')).toHaveCount(0);
  await expect(page.locator('[id^="network-delete-"]')).toHaveCount(0);
  await snap(page, 'network-viewer-list');
  await expectAccessible(page, 'network list (viewer)');

  await page.goto('/network?tab=topology');
  await expect(page.locator('#topology')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('#topology')).toHaveAttribute('data-nodes', /[1-9]/);
  await page.locator('#topology-list summary').click();
  await expect(page.locator(`#topology-list li[data-node="${hypervisor.nodeId}"]`)).toBeVisible();
  // Unused, the network hangs off every node as available.
  await expect(page.locator(`#topology-list li[data-network="${network.id}"]`)).toContainText(name);
  await snap(page, 'network-viewer-topology');
  await page.setViewportSize({ width: 768, height: 1024 });
  await expect.poll(() => paintedPixels(page)).toBeGreaterThan(500);
  await snap(page, 'network-viewer-topology-tablet');
  expect(problems).toEqual([]);

  await api.delete(`/api/networks/${network.id}`);
});
