/**
 * Settings: language (remembered), theme (dark bundle, data-theme, dark background), the
 * appliance facts, and changing one's own password. Axe on the page in both themes.
 */
import { expect, expectAccessible, snap, test, watchProblems } from './support/fixtures';

test('language and theme are switched, remembered and applied; axe finds nothing serious in either theme', async ({
  adminPage: page,
}) => {
  const problems = watchProblems(page);
  await page.goto('/settings');
  await expect(page.locator('#page-title')).toHaveText('Settings');
  // What the appliance runs on (GET /api/system): the e2e binary uses the embedded database.
  await expect(page.locator('#system-database')).toHaveAttribute('data-database', 'pglite');
  await expect(page.locator('#system-redis')).toHaveAttribute('data-redis', 'false');
  await expect(page.locator('#system-version')).not.toBeEmpty();
  await expectAccessible(page, 'settings-light');
  await snap(page, 'settings-light');

  // Chinese: the page and the shell change at once, and stay after a reload.
  await page.locator('#settings-lang-zh-CN').click();
  await expect(page.locator('#page-title')).toHaveText('设置');
  await expect(page.locator('#nav-tasks')).toContainText('任务');
  await page.reload();
  await expect(page.locator('#page-title')).toHaveText('设置');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await snap(page, 'settings-zh');
  await page.locator('#settings-lang-en').click();
  await expect(page.locator('#page-title')).toHaveText('Settings');

  // Dark: the attribute, the stylesheet and a dark computed background; remembered across a reload.
  await page.locator('#settings-theme-dark').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const background = () =>
    page.evaluate(() => {
      const [r, g, b] = (
        getComputedStyle(document.querySelector('.ant-layout')!).backgroundColor.match(/\d+/g) ?? []
      )
        .slice(0, 3)
        .map(Number);
      return (r! + g! + b!) / 3;
    });
  await expect.poll(background).toBeLessThan(40);
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(background).toBeLessThan(40);
  expect(await page.evaluate(() => localStorage.getItem('paddock.theme'))).toBe('dark');
  await expect(page.locator('#theme-switch')).toHaveAttribute('data-theme', 'dark');
  await expectAccessible(page, 'settings-dark');
  await snap(page, 'settings-dark');

  // The header switch flips back to light (and the dark stylesheet goes away).
  await page.locator('#theme-switch').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect.poll(background).toBeGreaterThan(200);
  await expect(page.locator('link#pd-dark-theme')).toHaveCount(0);

  // "Follow the system" follows prefers-color-scheme.
  await page.locator('#settings-theme-system').click();
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(problems).toEqual([]);
});

test('a user changes their own password: a wrong current one is refused, then the new one signs in', async ({
  api,
  pageAs,
}) => {
  const user = await api.createUser({ role: 'viewer' });
  const page = await pageAs(user);
  await page.goto('/settings');
  await expect(page.locator('#profile-username')).toHaveText(user.username);
  const newPassword = `${user.password}-new`;

  // Checked before sending: too short, and a confirmation that differs.
  await page.locator('#password-current').fill(user.password);
  await page.locator('#password-new').fill('short');
  await page.locator('#password-confirm').fill('other');
  await page.locator('#password-submit').click();
  await expect(page.locator('#password-form .ant-form-item-explain-error')).toHaveCount(2);

  // A wrong current password: the API's answer lands on that field.
  await page.locator('#password-current').fill('not-my-password');
  await page.locator('#password-new').fill(newPassword);
  await page.locator('#password-confirm').fill(newPassword);
  await page.locator('#password-submit').click();
  await expect(page.locator('#password-form')).toContainText('This is not your current password');
  await snap(page, 'settings-password-wrong');

  await page.locator('#password-current').fill(user.password);
  await page.locator('#password-submit').click();
  await expect(page).toHaveURL(/\/login/);
  expect(
    (await api.raw('POST', '/api/auth/login', { username: user.username, password: user.password })).status,
  ).toBe(401);
  await page.locator('#login-username').fill(user.username);
  await page.locator('#login-password').fill(newPassword);
  await page.locator('#login-submit').click();
  await expect(page.locator('#current-user')).toHaveText(user.username);
});
