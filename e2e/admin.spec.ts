/**
 * Users and roles through the console: create a viewer, who then sees no mutating control; a
 * custom role built in the permission editor and bound; a password reset; a disabled user who
 * can no longer sign in. Axe on every page and dialog, in both themes.
 */
import type { Page as ListPage } from '@paddock/protocol/api/list';
import type { User } from '@paddock/protocol/api/users';
import { ADMIN, expect, expectAccessible, snap, test, watchProblems } from './support/fixtures';

test('administering users and roles, and what a viewer sees', async ({
  adminPage: page,
  api,
  pageAs,
  uniqueName,
}) => {
  test.setTimeout(420_000);
  const problems = watchProblems(page);
  const username = uniqueName('viewer');
  const password = 'Viewer-pass-123';

  // --- create a viewer through the form --------------------------------------------------------
  await page.goto('/admin/users');
  await expect(page.locator('#page-title')).toHaveText('Users');
  await expect(page.locator(`#user-row-${ADMIN.username}`)).toBeVisible();
  await expectAccessible(page, 'users');
  await snap(page, 'users');
  await page.locator('#user-create').click();
  await page.locator('#user-username').fill('x'); // too short: refused before sending
  await page.locator('#user-password').fill(password);
  await page.locator('#user-confirm').fill(password);
  await page.locator('.ant-modal-footer').getByRole('button', { name: 'Create', exact: true }).click();
  await expect(page.locator('#user-form .ant-form-item-explain-error')).toHaveCount(1);
  await page.locator('#user-username').fill(username);
  await page.locator('#user-display-name').fill('Vera Viewer');
  await page.locator('#user-email').fill('vera@example.com');
  await page.locator('#user-roles').click();
  await page.locator('nz-option-item[title="viewer"]').click();
  await page.keyboard.press('Escape');
  await expectAccessible(page, 'user-create-dialog');
  await snap(page, 'user-create-dialog');
  await page.locator('.ant-modal-footer').getByRole('button', { name: 'Create', exact: true }).click();
  const row = page.locator(`#user-row-${username}`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-roles', 'viewer');
  await expect(row).toContainText('vera@example.com');

  // --- the viewer sees pages but no mutating control -------------------------------------------
  const viewer = await pageAs({ username, password });
  await viewer.goto('/tasks');
  await expect(viewer.locator('#page-title')).toHaveText('Tasks');
  await expect(viewer.locator('#task-table')).toBeVisible();
  await expect(viewer.locator('[id^="task-cancel-"], [id^="task-retry-"]')).toHaveCount(0);
  await viewer.goto('/admin/users');
  await expect(viewer.locator('#page-title')).toHaveText('Users');
  await expect(viewer.locator('#user-create')).toHaveCount(0);
  await expect(viewer.locator('[id^="user-edit-"], [id^="user-delete-"], [id^="user-toggle-"]')).toHaveCount(
    0,
  );
  await viewer.goto('/admin/roles');
  await expect(viewer.locator('#role-create')).toHaveCount(0);
  await expect(viewer.locator('[id^="role-edit-"], [id^="role-delete-"]')).toHaveCount(0);
  await snap(viewer, 'roles-as-viewer');

  // --- a custom role with two permissions, bound to the user ----------------------------------
  const roleName = uniqueName('ops').toLowerCase();
  await page.goto('/admin/roles');
  await expect(page.locator('#role-row-admin')).toHaveAttribute('data-builtin', 'true');
  await expectAccessible(page, 'roles');
  await snap(page, 'roles');
  await page.locator('#role-view-viewer').click();
  await expect(page.locator('#perm-all')).toBeDisabled();
  await expectAccessible(page, 'role-view-builtin');
  await page.locator('.ant-modal-footer').getByRole('button', { name: 'Close', exact: true }).click();

  await page.locator('#role-create').click();
  await page.locator('#role-name').fill(roleName);
  await page.locator('#role-description').fill('Runs tasks and reads VMs');
  await page.locator('#perm-vms-read').click();
  await page.locator('#perm-tasks-update').click();
  await expect(page.locator('#perm-group-toggle-tasks .ant-checkbox-indeterminate')).toHaveCount(1);
  await expectAccessible(page, 'role-create-dialog');
  await snap(page, 'role-create-dialog');
  await page.locator('.ant-modal-footer').getByRole('button', { name: 'Create', exact: true }).click();
  const roleRow = page.locator(`#role-row-${roleName}`);
  await expect(roleRow).toContainText('vms:read');
  await expect(roleRow).toContainText('tasks:update');
  await expect(roleRow).toHaveAttribute('data-user-count', '0');

  await page.goto('/admin/users');
  await page.locator(`#user-roles-${username}`).click();
  await page.locator('#user-roles-select').click();
  await page.locator(`nz-option-item[title="${roleName}"]`).click();
  await page.keyboard.press('Escape');
  await expectAccessible(page, 'user-roles-dialog');
  await page.locator('.ant-modal-footer').getByRole('button', { name: 'Save', exact: true }).click();
  await expect
    .poll(async () => ((await row.getAttribute('data-roles')) ?? '').split(',').sort())
    .toEqual(['viewer', roleName].sort());
  const bound = (await api.get<ListPage<User>>(`/api/users?q=${username}`)).items[0]!;
  expect([...bound.roles].sort()).toEqual(['viewer', roleName].sort());
  await page.goto('/admin/roles');
  await expect(page.locator(`#role-row-${roleName}`)).toHaveAttribute('data-user-count', '1');

  // The bound role's permissions are the user's on the next request.
  const me = await api.login(username, password);
  expect(me.user.permissions).toEqual(expect.arrayContaining(['vms:read', 'tasks:update']));

  // --- reset the password ---------------------------------------------------------------------
  await page.goto('/admin/users');
  const newPassword = 'Reset-pass-456';
  await page.locator(`#user-reset-${username}`).click();
  await page.locator('#reset-password').fill(newPassword);
  await page.locator('#reset-confirm').fill('different-789');
  await page
    .locator('.ant-modal-footer')
    .getByRole('button', { name: 'Reset password', exact: true })
    .click();
  await expect(page.locator('#reset-password-form .ant-form-item-explain-error')).toHaveCount(1);
  await page.locator('#reset-confirm').fill(newPassword);
  await expectAccessible(page, 'reset-password-dialog');
  await snap(page, 'reset-password-dialog');
  await page
    .locator('.ant-modal-footer')
    .getByRole('button', { name: 'Reset password', exact: true })
    .click();
  await expect(page.locator('#reset-password-form')).toHaveCount(0);
  expect((await api.raw('POST', '/api/auth/login', { username, password })).status).toBe(401);
  expect((await api.raw('POST', '/api/auth/login', { username, password: newPassword })).status).toBe(200);

  // --- disable: signing in then fails ----------------------------------------------------------
  await page.locator(`#user-toggle-${username}`).click();
  await expect(row).toHaveAttribute('data-enabled', 'false');
  const context = await page.context().browser()!.newContext();
  const login = await context.newPage();
  await login.goto('/login');
  await login.locator('#login-username').fill(username);
  await login.locator('#login-password').fill(newPassword);
  await login.locator('#login-submit').click();
  await expect(login.locator('#login-error')).toBeVisible();
  await expect(login).toHaveURL(/\/login/);
  await snap(login, 'login-disabled-user');
  await context.close();

  // --- edit, then delete the role and the user -------------------------------------------------
  await page.locator(`#user-edit-${username}`).click();
  await page.locator('#user-display-name').fill('Vera V.');
  await page.locator('.ant-modal-footer').getByRole('button', { name: 'Save', exact: true }).click();
  await expect(row).toContainText('Vera V.');
  await page.locator(`#user-delete-${username}`).click();
  await page.locator('.ant-popover').getByRole('button', { name: 'OK' }).click();
  await expect(row).toHaveCount(0);
  await page.goto('/admin/roles');
  await page.locator(`#role-delete-${roleName}`).click();
  await page.locator('.ant-popover').getByRole('button', { name: 'OK' }).click();
  await expect(page.locator(`#role-row-${roleName}`)).toHaveCount(0);

  // --- dark theme: the same pages stay accessible ---------------------------------------------
  await page.locator('#theme-switch').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectAccessible(page, 'roles-dark');
  await snap(page, 'roles-dark');
  await page.goto('/admin/users');
  await expect(page.locator(`#user-row-${ADMIN.username}`)).toBeVisible();
  await expectAccessible(page, 'users-dark');
  await snap(page, 'users-dark');
  await page.locator('#theme-switch').click();
  expect(problems).toEqual([]);
});
