/**
 * The harness proves itself here: the login form, the fast sign-in, the API client, the real
 * hypervisor (agent binary → node online → a domain under the prefix seen by Paddock and removed),
 * axe, the problem watcher, and the precompressed console assets. Page specs build on these.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Page as ListPage } from '@paddock/protocol/api/list';
import type { Node } from '@paddock/protocol/api/nodes';
import type { Vm } from '@paddock/protocol/api/vms';
import type { Me } from '@paddock/protocol/api/auth';
import { VIRT_TYPE } from './support/env';
import {
  ADMIN,
  ApiError,
  blockingViolations,
  expect,
  expectAccessible,
  runAxe,
  snap,
  test,
  watchProblems,
} from './support/fixtures';

/** The test guest booting from its ISO, serial output to a file QEMU writes in the pool directory. */
function probeDomainXml(name: string, iso: string, serialLog: string): string {
  // relabel='no': libvirt would otherwise chown the ISO (in the checkout) to QEMU's user for the run.
  return `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='cdrom'/></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='${iso}'><seclabel model='dac' relabel='no'/></source>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <serial type='file'><source path='${serialLog}'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>`;
}

test('UI login: the form signs admin in and lands on the dashboard', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.locator('#login-username').fill(ADMIN.username);
  await page.locator('#login-password').fill(ADMIN.password);
  await page.locator('#login-submit').click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.locator('#current-user')).toHaveText(ADMIN.username);
  await snap(page, 'dashboard-after-ui-login');
  expect(problems).toEqual([]);
});

test('fast sign-in: adminPage opens a deep link signed in; pageAs signs in a viewer; sign-out sticks', async ({
  adminPage,
  pageAs,
  api,
}) => {
  await adminPage.goto('/vms');
  await expect(adminPage).toHaveURL(/\/vms$/);
  await expect(adminPage.locator('#current-user')).toHaveText(ADMIN.username);

  const viewer = await api.createUser({ role: 'viewer' });
  const viewerPage = await pageAs(viewer);
  await viewerPage.goto('/dashboard');
  await expect(viewerPage.locator('#current-user')).toHaveText(viewer.username);
  await snap(viewerPage, 'dashboard-as-viewer');

  // The seeded session is planted once per tab: after signing out, a reload stays signed out.
  await adminPage.locator('#logout').click();
  await expect(adminPage).toHaveURL(/\/login$/);
  await adminPage.goto('/vms');
  await expect(adminPage).toHaveURL(/\/login\?returnUrl=%2Fvms$/);
});

test('api: parsed JSON, errors carry status and body, raw never throws, users get their role', async ({
  api,
  uniqueName,
  prefix,
}) => {
  const me = await api.get<Me>('/api/auth/me');
  expect(me.username).toBe(ADMIN.username);

  const missing = '/api/nodes/00000000-0000-4000-8000-000000000000';
  const error = await api.get(missing).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).status).toBe(404);
  expect((error as ApiError).body).toMatchObject({ error: { code: expect.any(String) } });
  const raw = await api.raw<{ error: { code: string } }>('GET', missing);
  expect(raw.status).toBe(404);
  expect(raw.json.error.code).toBe((error as { body: { error: { code: string } } }).body.error.code);

  const operator = await api.createUser({ role: 'operator' });
  expect(operator.username.startsWith(`${prefix}-operator-`)).toBe(true);
  const tokens = await api.login(operator.username, operator.password);
  expect(tokens.user.roles).toEqual(['operator']);
  await expect(api.createUser({ role: 'no-such-role' })).rejects.toThrow(
    /no role "no-such-role"; roles: .*viewer/,
  );

  const a = uniqueName('vm');
  const b = uniqueName('vm');
  expect(a).toMatch(new RegExp(`^${prefix}-vm-\\d+$`));
  expect(b).not.toBe(a);
});

test('hypervisor: the agent binary brings its node online and GET /api/nodes lists it', async ({
  hypervisor,
  api,
}) => {
  const nodes = await api.get<ListPage<Node>>('/api/nodes?pageSize=100');
  const node = nodes.items.find((n) => n.id === hypervisor.nodeId);
  expect(
    node,
    `node ${hypervisor.nodeId} in ${JSON.stringify(nodes.items.map((n) => n.hostname))}`,
  ).toBeDefined();
  expect(node?.hostname).toBe(hypervisor.hostname);
  expect(node?.status).toBe('online');
  expect(node?.connected).toBe(true);
  if (VIRT_TYPE !== 'auto') expect(node?.virtType).toBe(VIRT_TYPE);

  expect(hypervisor.prefix).toMatch(/^e2e[a-z0-9]{4}$/);
  // QEMU's user must be able to traverse it (libvirt's pool build may narrow a pool dir to 0711).
  expect(statSync(hypervisor.poolDir).mode & 0o001).toBe(0o001);
  expect(statSync(hypervisor.isoPath).size).toBeGreaterThan(1_000_000);
  expect(hypervisor.virsh(['version']).stdout).toContain('libvirt');
});

test('hypervisor: a domain under the prefix boots the test ISO, Paddock sees it, removeOwned removes it', async ({
  hypervisor,
  api,
}, testInfo) => {
  const name = `${hypervisor.prefix}-probe`;
  const serialLog = `${hypervisor.poolDir}/${name}.serial.log`;
  const xml = testInfo.outputPath(`${name}.xml`);
  writeFileSync(xml, probeDomainXml(name, hypervisor.isoPath, serialLog));
  hypervisor.virsh(['define', xml]);
  hypervisor.virsh(['start', name]);

  // The agent reports the domain it did not create as an unmanaged VM on its node.
  await expect
    .poll(
      async () => {
        const page = await api.get<ListPage<Vm>>(`/api/vms?q=${encodeURIComponent(name)}`);
        const vm = page.items.find((v) => v.name === name);
        return vm && { managed: vm.managed, nodeId: vm.nodeId, status: vm.status };
      },
      { timeout: 30_000 },
    )
    .toEqual({ managed: false, nodeId: hypervisor.nodeId, status: 'running' });

  // The ISO and the pool directory are usable by QEMU's user: the guest boots and writes.
  await expect
    .poll(() => readFileSync(serialLog, 'utf8').includes('PADDOCK-GUEST-BOOTED'), {
      timeout: 120_000,
      message: 'the test guest prints PADDOCK-GUEST-BOOTED on ttyS0',
    })
    .toBe(true);

  expect(hypervisor.removeOwned()).toEqual([]);
  const left = hypervisor.virsh(['list', '--all', '--name']).stdout;
  expect(left.split('\n').filter((n) => n.startsWith(hypervisor.prefix))).toEqual([]);
  await expect
    .poll(async () => (await api.get<ListPage<Vm>>(`/api/vms?q=${encodeURIComponent(name)}`)).total, {
      timeout: 30_000,
    })
    .toBe(0);
});

test('hypervisor: what a spec leaves under the prefix is removed by the worker teardown', async ({
  hypervisor,
}, testInfo) => {
  // Left on purpose: a running pool, a volume, a domain with a snapshot. The worker's teardown
  // removes them; the global teardown (e2e/support/global-setup.ts) then lists every prefix of the
  // run and FAILS the run if anything remains.
  const pool = `${hypervisor.prefix}-pool`;
  hypervisor.virsh(['pool-create-as', pool, 'dir', '--target', `${hypervisor.poolDir}/left`, '--build']);
  hypervisor.virsh(['vol-create-as', pool, `${hypervisor.prefix}-disk.qcow2`, '64M', '--format', 'qcow2']);
  const disk = hypervisor
    .virsh(['vol-path', '--pool', pool, `${hypervisor.prefix}-disk.qcow2`])
    .stdout.trim();
  const name = `${hypervisor.prefix}-left-for-teardown`;
  const xml = testInfo.outputPath(`${name}.xml`);
  const withDisk = probeDomainXml(name, hypervisor.isoPath, `${hypervisor.poolDir}/${name}.log`).replace(
    '<devices>',
    `<devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>`,
  );
  writeFileSync(xml, withDisk);
  hypervisor.virsh(['define', xml]);
  hypervisor.virsh(['snapshot-create-as', name, 'snap1']);
  expect(hypervisor.virsh(['snapshot-list', name, '--name']).stdout).toContain('snap1');
  expect(hypervisor.virsh(['pool-info', pool]).stdout).toMatch(/State:\s+running/);
});

test('api.upload: the test ISO into a pool under the prefix, as VM specs set up their CD-ROM', async ({
  hypervisor,
  api,
}) => {
  const created = await api.post<{ pool: { id: string }; task: { id: string } }>('/api/storage/pools', {
    name: `${hypervisor.prefix}-isos`,
    type: 'dir',
    nodeId: hypervisor.nodeId,
    // A directory of its own: libvirt refuses two pools on one path (the agent builds it).
    path: `${hypervisor.poolDir}/isos`,
  });
  await api.waitTaskSucceeded(created.task.id);
  const { volume } = await api.upload<{ volume: { status: string; path: string } }>(
    `/api/storage/pools/${created.pool.id}/upload?name=${hypervisor.prefix}-guest&format=iso`,
    hypervisor.isoPath,
  );
  expect(volume.status).toBe('ready');
  expect(statSync(volume.path).size).toBe(statSync(hypervisor.isoPath).size);
});

test('runAgent: a pasted enrollment command brings a second node online under its own hostname', async ({
  hypervisor,
  api,
  runAgent,
  baseURL,
}) => {
  const { token } = await api.post<{ token: string }>('/api/nodes/enrollment-tokens', {});
  // Quoted and continued over lines, as a console might show it.
  const agent = await runAgent(`paddock-agent \\\n  --server '${baseURL}' \\\n  --token "${token}"`);
  await expect
    .poll(
      async () => {
        const nodes = await api.get<ListPage<Node>>(`/api/nodes?q=${agent.hostname}`);
        return nodes.items.find((n) => n.hostname === agent.hostname)?.status;
      },
      { timeout: 60_000, message: `node ${agent.hostname} online; agent log:\n${agent.logTail()}` },
    )
    .toBe('online');
  expect(agent.hostname).not.toBe(hypervisor.hostname);
  // The hypervisor fixture's node was not re-enrolled (and so not disconnected) by it.
  const own = await api.get<Node>(`/api/nodes/${hypervisor.nodeId}`);
  expect({ status: own.status, connected: own.connected }).toEqual({ status: 'online', connected: true });
});

test('axe: expectAccessible fails on serious/critical violations naming rule, impact and target', async ({
  page,
}) => {
  await page.setContent(
    '<!doctype html><html lang="en"><head><title>broken</title></head><body><main>' +
      '<img id="no-alt" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button id="no-name"></button>' +
      '</main></body></html>',
  );
  const failure = await expectAccessible(page, 'a page broken on purpose').catch((e: Error) => e);
  expect(failure).toBeInstanceOf(Error);
  expect(String((failure as Error).message)).toMatch(/image-alt \(critical\).*#no-alt/);
  expect(String((failure as Error).message)).toMatch(/button-name \(critical\).*#no-name/);

  await page.setContent(
    '<!doctype html><html lang="en"><head><title>fine</title></head><body><main><h1>Fine</h1>' +
      '<button>Go</button></main></body></html>',
  );
  await expectAccessible(page, 'a clean page');
});

test('axe: the login page (serious/critical violations are reported as annotations)', async ({ page }) => {
  await page.goto('/login');
  await expect(page.locator('#login-submit')).toBeVisible();
  const results = await runAxe(page, 'login');
  // axe really looked at the page (not a vacuous pass over nothing).
  expect(results.passes.length).toBeGreaterThan(5);
  const blocking = blockingViolations(results);
  for (const violation of blocking) {
    test.info().annotations.push({ type: 'axe violation (login)', description: violation });
    console.warn(`[e2e] axe on /login: ${violation}`);
  }
  await snap(page, 'login');
});

test('watchProblems collects page errors, console errors and failed requests', async ({ page }) => {
  const problems = watchProblems(page);
  // A page of its own: the console installs global error listeners that would report for it.
  await page.setContent(
    '<!doctype html><html lang="en"><head><title>problems</title></head><body></body></html>',
  );
  await page.evaluate(() => {
    console.error('e2e: a console error');
    setTimeout(() => {
      throw new Error('e2e: an uncaught error');
    });
  });
  await expect.poll(() => problems.length).toBeGreaterThanOrEqual(2);
  expect(problems).toContain('console: e2e: a console error');
  expect(problems, problems.join('\n')).toContainEqual(
    expect.stringMatching(/^page error: .*e2e: an uncaught error/),
  );
});

test('assets: the console scripts arrive precompressed, cached a year; index.html is not cached', async ({
  page,
  request,
}) => {
  const scripts: Array<{ url: string; encoding: string | undefined }> = [];
  page.on('response', (response) => {
    if (response.url().endsWith('.js'))
      scripts.push({ url: response.url(), encoding: response.headers()['content-encoding'] });
  });
  await page.goto('/login');
  await expect(page.locator('#login-submit')).toBeVisible();
  expect(scripts.length).toBeGreaterThan(0);
  // Chromium accepts br: every script comes brotli-compressed.
  expect(scripts.filter((s) => s.encoding !== 'br')).toEqual([]);

  const main = /src="(main-[^"]+\.js)"/.exec(await (await request.get('/login')).text())?.[1];
  expect(main).toBeDefined();
  const gzip = await request.get(`/${main}`, { headers: { 'accept-encoding': 'gzip' } });
  expect(gzip.headers()['content-encoding']).toBe('gzip');
  expect(gzip.headers()['vary']).toBe('accept-encoding');
  expect(gzip.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  const identity = await request.get(`/${main}`, { headers: { 'accept-encoding': 'identity' } });
  expect(identity.headers()['content-encoding']).toBeUndefined();
  expect((await identity.body()).length).toBeGreaterThan(Number(gzip.headers()['content-length']));
  const deepLink = await request.get('/vms/some/deep/link', { headers: { 'accept-encoding': 'gzip' } });
  expect(deepLink.headers()['cache-control']).toBe('no-cache');
  expect(deepLink.headers()['content-type']).toContain('text/html');
});
