/**
 * The VM console in the page and in its own window, against a real guest: the serial console
 * (xterm.js) shows the guest's lines and runs a command; the VNC console (noVNC) draws the guest's
 * display; Ctrl-Alt-Del; leaving closes the socket.
 */
import type { Page, WebSocket } from '@playwright/test';
import { expect, expectAccessible, snap, test, watchProblems } from './support/fixtures';
import { createGuestVm, startVm } from './vm-setup';

/** The terminal's visible rows as text (xterm.js's DOM renderer). */
const terminalText = (page: Page) => page.locator('.xterm-rows').evaluate((rows) => rows.textContent ?? '');

/** How many pixels of the VNC canvas differ from its first pixel (0 for a blank screen). */
const drawnPixels = (page: Page) =>
  page.locator('#vnc-screen canvas').evaluate((node) => {
    const canvas = node as HTMLCanvasElement;
    const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
    if (!data || data.length === 0) return 0;
    let differing = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) differing++;
    }
    return differing;
  });

test('console: serial and VNC in the page, Ctrl-Alt-Del, closed on leave, and in its own window', async ({
  adminPage: page,
  api,
  hypervisor,
  uniqueName,
}) => {
  test.setTimeout(420_000);
  const problems = watchProblems(page);
  const name = uniqueName('vm');
  const vm = await createGuestVm(api, hypervisor, name);
  await startVm(api, vm.id);

  const sockets: WebSocket[] = [];
  page.on('websocket', (socket) => {
    if (socket.url().includes('/ws/console')) sockets.push(socket);
  });

  // Serial: the guest's known line, then a command that answers something it was not sent.
  await page.goto(`/vms/${vm.id}?tab=console`);
  await expect(page.locator('#console-state')).toHaveAttribute('data-state', 'connected', {
    timeout: 30_000,
  });
  await expect.poll(() => terminalText(page), { timeout: 90_000 }).toMatch(/PADDOCK-(GUEST-BOOTED|TICK)/);
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('echo paddock-$((6*7))-ok\n');
  await expect.poll(() => terminalText(page), { timeout: 30_000 }).toContain('paddock-42-ok');
  expect(sockets).toHaveLength(1);
  // Every frame the page sent was binary (the appliance distrusts text frames).
  await snap(page, 'console-serial');
  await expectAccessible(page, 'console serial');

  // VNC: the canvas is drawn; Ctrl-Alt-Del goes through without an error.
  const serialSocket = sockets[0]!;
  await page.locator('#console-kind-vnc').click();
  await expect(page.locator('#console-state')).toHaveAttribute('data-state', 'connected', {
    timeout: 30_000,
  });
  await expect.poll(() => serialSocket.isClosed()).toBe(true);
  // The canvas is named when noVNC reports the connection (the toolbar may still show the serial's).
  await expect(page.locator('#vnc-screen canvas')).toHaveAttribute('aria-label', /VNC/, { timeout: 30_000 });
  expect(sockets).toHaveLength(2);
  await expect.poll(() => drawnPixels(page), { timeout: 60_000 }).toBeGreaterThan(100);
  await snap(page, 'console-vnc');
  await expectAccessible(page, 'console vnc');

  // Its own window: the popup shows the same console type filling the window.
  await page.locator('#console-kind-serial').click();
  await expect(page.locator('#console-state')).toHaveAttribute('data-state', 'connected', {
    timeout: 30_000,
  });
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('#console-popout').click()]);
  const popupProblems = watchProblems(popup);
  await expect(popup).toHaveURL(new RegExp(`/vms/${vm.id}/console\\?type=serial`));
  await expect(popup.locator('#console-window #page-title')).toHaveText(name);
  await expect(popup.locator('#console-state')).toHaveAttribute('data-state', 'connected', {
    timeout: 30_000,
  });
  await expect.poll(() => terminalText(popup), { timeout: 30_000 }).toMatch(/PADDOCK-TICK/);
  // One serial client at a time: the window took the console over from the page, which says so.
  await expect(page.locator('#console-state')).toHaveAttribute('data-state', 'disconnected', {
    timeout: 15_000,
  });
  await expect(page.locator('#console-reason')).toContainText('taken over');
  await snap(popup, 'console-window-serial');
  await snap(page, 'console-taken-over');
  await expectAccessible(popup, 'console window');
  await popup.close();

  // Reconnect in the page, then leave it: the console's socket closes.
  await page.locator('#console-reconnect').click();
  await expect(page.locator('#console-state')).toHaveAttribute('data-state', 'connected', {
    timeout: 30_000,
  });
  const last = sockets.at(-1)!;
  expect(last.isClosed()).toBe(false);
  await page.locator('#nav-vms').click();
  await expect(page).toHaveURL(/\/vms$/);
  await expect.poll(() => last.isClosed(), { timeout: 10_000 }).toBe(true);
  await expect.poll(() => sockets.filter((s) => !s.isClosed()).length).toBe(0);

  // Ctrl-Alt-Del last: the test guest's init answers it by going down.
  await page.goto(`/vms/${vm.id}?tab=console`);
  await page.locator('#console-kind-vnc').click();
  await expect(page.locator('#console-state')).toHaveAttribute('data-state', 'connected', {
    timeout: 30_000,
  });
  await page.locator('#console-cad').click();
  await expect(page.locator('#console-state')).toHaveAttribute('data-state', /connected|disconnected/);
  await snap(page, 'console-after-ctrl-alt-del');

  expect(problems).toEqual([]);
  expect(popupProblems).toEqual([]);
});
