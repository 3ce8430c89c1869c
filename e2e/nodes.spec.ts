/**
 * Nodes, through the console: add a node with the command the Add node dialog shows (run here,
 * as an operator would paste it), watch it come online in the list without a reload, then on its
 * page toggle maintenance, edit a label, revoke its credentials and delete it, each confirmed.
 *
 * The added agent uses libvirt's in-memory test driver (test:///default) so it does not double
 * the shared host's domains; that driver's own domain ("test") shows up as the node's unmanaged
 * VM, whose record is forgotten with the node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { AGENT_BINARY } from './support/env';
import { expect, expectAccessible, snap, test, watchProblems } from './support/fixtures';

interface Agent {
  child: ChildProcess;
  dir: string;
  log: string;
}

/** Runs the dialog's command with `dist/paddock-agent` for `paddock-agent`, under its own hostname. */
function runEnrollCommand(command: string, hostname: string): Agent {
  const argv = command.trim().split(/\s+/);
  expect(argv[0]).toBe('paddock-agent');
  argv[0] = AGENT_BINARY;
  const dir = mkdtempSync(join(tmpdir(), 'paddock-e2e-enroll-'));
  const config = join(dir, 'agent.json');
  writeFileSync(config, '{}\n'); // an /etc/paddock/agent.json on this machine must not leak in
  const log = join(dir, 'agent.log');
  const out = openSync(log, 'a');
  const env = {
    PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env['HOME'] ?? '/root',
    PADDOCK_AGENT_STATE: join(dir, 'state'),
    PADDOCK_AGENT_CONFIG: config,
    PADDOCK_METRICS_LISTEN: 'off',
    PADDOCK_LIBVIRT_URI: 'test:///default',
    E2E_AGENT_HOSTNAME: hostname,
  };
  // The agent enrolls as os.hostname(): its own UTS namespace gives it a name this run owns.
  // unshare and sh both exec, so the child's pid is the agent's.
  const child = spawn(
    'unshare',
    ['--uts', 'sh', '-c', 'hostname "$E2E_AGENT_HOSTNAME" && exec "$@"', 'sh', ...argv],
    { env, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  return { child, dir, log };
}

async function stopAgent(agent: Agent): Promise<void> {
  const { child } = agent;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(agent.dir, { recursive: true, force: true });
}

/** Clicks `name` in the open popconfirm (closed ones may linger in the DOM while they fade). */
async function confirmPopover(page: Page, name: string): Promise<void> {
  await page
    .locator('.ant-popover-buttons')
    .filter({ visible: true })
    .getByRole('button', { name, exact: true })
    .click();
}

/**
 * axe on the page at rest: ng-zorro's hover and focus shades of default buttons (#40a9ff text)
 * are a theme-wide contrast question, not this page's, so nothing is hovered or focused.
 */
async function expectAccessibleAtRest(page: Page, context: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await expectAccessible(page, context);
}

const logOf = (agent: Agent | undefined) => {
  try {
    return agent ? readFileSync(agent.log, 'utf8').split('\n').slice(-30).join('\n') : '';
  } catch {
    return '';
  }
};

test('add a node with the pasted command, see it live, administer and delete it', async ({
  adminPage: page,
  api,
  prefix,
}) => {
  test.setTimeout(180_000);
  const problems = watchProblems(page);
  const hostname = `${prefix}-enroll`;
  let agent: Agent | undefined;
  try {
    await page.goto('/nodes');
    await expect(page.locator('#page-title')).toHaveText('Nodes');
    await expect(page.locator('#node-table')).toBeVisible();
    await snap(page, 'nodes-list');
    await expectAccessibleAtRest(page, 'nodes list');

    // The dialog: a token and the exact command, with a copy button.
    await page.locator('#add-node').click();
    const command = page.locator('#enroll-command');
    await expect(command).toContainText('paddock-agent --server ');
    const text = (await command.textContent())?.trim() ?? '';
    const origin = new URL(page.url()).origin;
    expect(text).toMatch(new RegExp(`^paddock-agent --server ${origin} --token pde_\\S+$`));
    await expect(page.locator('#enroll-expiry')).toContainText('until');
    await expect(page.locator('#enroll-waiting')).toBeVisible();
    await page.locator('#enroll-copy').click();
    await expect(page.locator('#enroll-copy')).toContainText('Copied');
    await snap(page, 'nodes-add-dialog');
    await expectAccessibleAtRest(page, 'add node dialog');

    // Run it; the dialog and the list learn of the new node from live events alone.
    agent = runEnrollCommand(text, hostname);
    const joined = page.locator('#enroll-joined');
    await expect(joined, `agent log:\n${logOf(agent)}`).toBeVisible({ timeout: 60_000 });
    await expect(joined).toContainText(`${hostname} is online`);
    await snap(page, 'nodes-add-dialog-joined');
    await page.locator('#enroll-close').click();
    const row = page.locator(`#node-row-${hostname}`);
    await expect(row).toHaveAttribute('data-status', 'online');
    await expect(row.locator('.maintenance')).toHaveAttribute('data-maintenance', 'false');

    // Its page.
    await row.locator('a.node-link').click();
    await expect(page.locator('#page-title')).toHaveText(hostname);
    await expect(page.locator('#node-status')).toHaveAttribute('data-status', 'online');
    await expect(page.locator('#node-connected')).toHaveAttribute('data-connected', 'true');
    await expect(page.locator('#node-fact-agent')).not.toHaveText('—');
    await expect(page.locator('#node-chart-cpu canvas').first()).toBeVisible();
    const nodeId = page.url().split('/').pop() as string;

    // Maintenance on (confirmed), and off again.
    const maintenance = page.locator('#node-maintenance');
    await maintenance.click();
    await confirmPopover(page, 'Confirm');
    await expect(page.locator('#node-status')).toHaveAttribute('data-status', 'maintenance');
    await expect(maintenance).toHaveAttribute('data-maintenance', 'true');
    await maintenance.click();
    await confirmPopover(page, 'Confirm');
    await expect(page.locator('#node-status')).toHaveAttribute('data-status', 'online');

    // A label, checked against the API's limits before it is sent.
    await page.locator('#node-edit-labels').click();
    await page.locator('#label-add').click();
    await page.locator('#label-key-0').fill('bad key');
    await expect(page.locator('#labels-save')).toBeDisabled();
    await page.locator('#label-key-0').fill('rack');
    await page.locator('#label-value-0').fill('r42');
    await snap(page, 'nodes-labels-dialog');
    await expectAccessibleAtRest(page, 'edit labels dialog');
    await page.locator('#labels-save').click();
    await expect(page.locator('#node-labels nz-tag[data-label="rack"]')).toHaveText('rack=r42');

    await expect(page.locator('#node-history .ant-timeline-item').first()).toBeVisible();
    await snap(page, 'nodes-detail');
    await expectAccessibleAtRest(page, 'node page');

    // The test driver's own domain shows up as this node's unmanaged VM: it does not block the
    // deletion (only managed VMs do); its record goes with the node.
    await expect(page.locator('#node-vms tr[data-vm]')).not.toHaveCount(0, { timeout: 20_000 });
    await expect(page.locator('#node-delete')).toBeEnabled();

    // Revoke: the agent is cut off and the node goes offline.
    await page.locator('#node-revoke').click();
    await confirmPopover(page, 'Revoke credentials');
    await expect(page.locator('#node-status')).toHaveAttribute('data-status', 'offline');
    await expect(page.locator('#node-connected')).toHaveAttribute('data-connected', 'false');

    // Delete, confirmed: back on the list, the row is gone.
    await page.locator('#node-delete').click();
    await confirmPopover(page, 'Delete');
    await expect(page).toHaveURL(/\/nodes$/);
    await expect(page.locator(`#node-row-${hostname}`)).toHaveCount(0);
    expect((await api.raw('GET', `/api/nodes/${nodeId}`)).status).toBe(404);
    expect((await api.get<{ total: number }>(`/api/vms?nodeId=${nodeId}`)).total).toBe(0);
    expect(problems).toEqual([]);
  } finally {
    if (agent) await stopAgent(agent);
  }
});
