/**
 * Tasks: a bulk shutdown of a guest that never answers ACPI keeps its child task running long
 * enough to watch it live, cancel it and retry it from the console.
 */
import { writeFileSync } from 'node:fs';
import type { Page as ListPage } from '@paddock/protocol/api/list';
import type { Task } from '@paddock/protocol/api/tasks';
import type { Vm } from '@paddock/protocol/api/vms';
import { expect, expectAccessible, snap, test, watchProblems } from './support/fixtures';

/**
 * A guest with nothing to boot: the firmware runs and no operating system ever answers the ACPI
 * power button, so a graceful shutdown waits for its whole timeout.
 */
function bootlessDomainXml(name: string): string {
  return `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <devices><memballoon model='none'/></devices>
</domain>`;
}

test('a new task appears live; its child is cancelled and retried from the console; the drawer shows the log', async ({
  adminPage: page,
  api,
  hypervisor,
}, testInfo) => {
  // Real QEMU and a lease renewal (every 10 s) per cancel: minutes on a loaded machine.
  test.setTimeout(480_000);
  const problems = watchProblems(page);
  const name = `${hypervisor.prefix}-tasks`;
  const xml = testInfo.outputPath(`${name}.xml`);
  writeFileSync(xml, bootlessDomainXml(name));
  hypervisor.virsh(['define', xml]);
  hypervisor.virsh(['start', name]);
  const vm = await expect
    .poll(
      async () =>
        (await api.get<ListPage<Vm>>(`/api/vms?q=${encodeURIComponent(name)}`)).items.find(
          (v) => v.name === name && v.status === 'running',
        ),
      { timeout: 60_000 },
    )
    .toBeTruthy()
    .then(async () => (await api.get<ListPage<Vm>>(`/api/vms?q=${encodeURIComponent(name)}`)).items[0]!);
  await api.post(`/api/vms/${vm.id}/adopt`);

  let childId: string | undefined;
  try {
    await page.goto('/tasks');
    await expect(page.locator('#page-title')).toHaveText('Tasks');
    await expect(page.locator('#live-state')).toHaveAttribute('data-state', 'live');

    // The bulk action, started elsewhere, appears at the top of the open list without a reload.
    const { task: parent } = await api.post<{ task: Task }>('/api/vms/bulk', {
      action: 'shutdown',
      ids: [vm.id],
      options: { timeoutSec: 900 },
    });
    const parentRow = page.locator(`#task-row-${parent.id}`);
    await expect(parentRow).toBeVisible();
    await expect(page.locator('#task-table tbody tr.task-row').first()).toHaveId(`task-row-${parent.id}`);
    await expect(parentRow).toHaveAttribute('data-status', 'running');

    // Its child (the VM's shutdown) nests under it and runs.
    await page.locator(`#task-expand-${parent.id}`).click();
    const children = page.locator(`#task-table tr.task-row.child[data-parent="${parent.id}"]`);
    await expect(children).toHaveCount(1);
    const child = children.first();
    await expect(child).toHaveAttribute('data-type', 'vm.shutdown');
    await expect(child).toHaveAttribute('data-status', 'running');
    childId = (await child.getAttribute('id'))!.replace('task-row-', '');
    await expectAccessible(page, 'tasks');
    await snap(page, 'tasks-live');

    // The drawer: facts and the event log so far.
    await page.locator(`#task-open-${childId}`).click();
    await expect(page).toHaveURL(new RegExp(`[?&]id=${childId}`));
    const drawer = page.locator('#task-drawer');
    await expect(drawer).toHaveAttribute('data-status', 'running');
    await expect(drawer.locator('#task-events li')).toContainText(['queued', /started by/]);
    await expectAccessible(page, 'task-drawer');
    await snap(page, 'task-drawer-running');

    // Cancel from the drawer: the worker stops it at its next lease renewal.
    await page.locator('#task-drawer-cancel').click();
    await page.locator('.ant-popover').getByRole('button', { name: 'OK' }).click();
    await expect(drawer).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
    await expect(drawer.locator('#task-events')).toContainText('cancellation requested');
    await expect(child).toHaveAttribute('data-status', 'cancelled');
    // With its only child finished, the bulk parent finishes too.
    await expect(parentRow).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
    await snap(page, 'task-drawer-cancelled');
    await page.keyboard.press('Escape');
    await expect(page).not.toHaveURL(/[?&]id=/);

    // Retry from the list: queued again, then running.
    await page.locator(`#task-retry-${childId}`).click();
    await expect(child).toHaveAttribute('data-status', /queued|running/);
    await expect(child).toHaveAttribute('data-status', 'running', { timeout: 60_000 });

    // A link with the task's id opens its drawer; a status filter lives in the URL.
    await page.goto(`/tasks?id=${childId}`);
    await expect(page.locator('#task-drawer')).toHaveAttribute('data-task-id', childId);
    await expect(page.locator('#task-drawer #task-events')).toContainText('retry requested');
    await page.goto('/tasks?status=cancelled');
    await expect(page.locator(`#task-row-${childId}`)).toHaveCount(0);
    await page.goto(`/tasks?parent=${parent.id}`);
    await expect(page.locator(`#task-row-${childId}`)).toBeVisible();

    // Dark theme: the list and drawer stay accessible.
    await page.locator('#theme-switch').click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expectAccessible(page, 'tasks-dark');
    await page.locator(`#task-open-${childId}`).click();
    await expect(page.locator('#task-drawer')).toBeVisible();
    await expectAccessible(page, 'task-drawer-dark');
    await snap(page, 'task-drawer-dark');
    await page.keyboard.press('Escape');
    await expect(page).not.toHaveURL(/[?&]id=/);
    await page.locator('#theme-switch').click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    expect(problems).toEqual([]);
  } finally {
    if (childId) {
      await api.raw('POST', `/api/tasks/${childId}/cancel`);
      await api.waitTask(childId, 60_000).catch(() => undefined);
    }
  }
});
