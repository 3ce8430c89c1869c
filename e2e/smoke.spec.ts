import { expect, type Page, test } from '@playwright/test';

// Seeded by e2e/serve-binary.sh through PADDOCK_ADMIN_PASSWORD on a fresh data directory.
const ADMIN = { username: 'admin', password: 'e2e-Admin-pass1' };

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({
    path: test.info().outputPath(`${name}.png`),
    fullPage: true,
    animations: 'disabled',
  });
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.locator('#login-submit').click();
}

async function switchLanguage(page: Page, id: 'en' | 'zh-CN'): Promise<void> {
  await page.locator('#lang-switch').click();
  await page.locator(`#lang-${id}`).click();
  await expect(page.locator(`#lang-${id}`)).toBeHidden();
}

/** Browser-side errors and icon fetches (icons must be compiled in, never loaded from /assets). */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/assets/'))
      problems.push(`asset fetch: ${request.url()}`);
  });
  return problems;
}

test('console: sign in, switch language, navigate, reload, sign out', async ({ page }) => {
  const problems = watchProblems(page);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator('#login-submit')).toBeVisible();
  await snap(page, '01-login-en');

  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.locator('#current-user')).toHaveText(ADMIN.username);
  await expect(page.locator('#page-title')).toHaveText(`Welcome, ${ADMIN.username}`);
  // The dashboard asks the appliance's /healthz through the API interceptor.
  await expect(page.locator('#appliance-status')).toHaveAttribute('data-status', 'success');
  await expect(page.locator('#nav-nodes')).toHaveText('Nodes');
  await snap(page, '02-dashboard-en');

  await switchLanguage(page, 'zh-CN');
  await expect(page.locator('#nav-nodes')).toHaveText('节点');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await snap(page, '03-dashboard-zh');

  await page.locator('#nav-nodes').click();
  await expect(page).toHaveURL(/\/nodes$/);
  await expect(page.locator('#page-title')).toHaveText('节点');
  await snap(page, '04-nodes-zh');

  // Tokens and the language choice both live in localStorage and survive a reload.
  await page.reload();
  await expect(page).toHaveURL(/\/nodes$/);
  await expect(page.locator('#current-user')).toHaveText(ADMIN.username);
  await expect(page.locator('#nav-nodes')).toHaveText('节点');

  await switchLanguage(page, 'en');
  await expect(page.locator('#nav-nodes')).toHaveText('Nodes');

  await page.locator('#nav-users').click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.locator('#page-title')).toHaveText('Users');
  await page.locator('#nav-vms').click();
  await expect(page).toHaveURL(/\/vms$/);
  await expect(page.locator('#page-title')).toHaveText('Virtual machines');
  await snap(page, '05-vms-en');

  await page.locator('#logout').click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/vms');
  await expect(page).toHaveURL(/\/login\?returnUrl=%2Fvms$/);
  expect(problems).toEqual([]);
});

test('login: a wrong password is reported in the form', async ({ page }) => {
  await page.goto('/login');
  await signIn(page, ADMIN.username, 'not-the-password');
  await expect(page.locator('#login-error')).toBeVisible();
  await expect(page.locator('#login-error')).toContainText('Wrong username or password');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator('#current-user')).toHaveCount(0);
  await snap(page, '06-login-error-en');
});
