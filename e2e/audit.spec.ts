/** Audit: a change made through the API shows up; filters by action and user narrow the table. */
import type { Page as ListPage } from '@paddock/protocol/api/list';
import type { Role } from '@paddock/protocol/api/roles';
import { expect, expectAccessible, snap, test, watchProblems } from './support/fixtures';

test('an API change appears in the audit log; action, user and outcome filters narrow it; detail expands', async ({
  adminPage: page,
  api,
  uniqueName,
}) => {
  const problems = watchProblems(page);
  // A custom role created by an admin of our own, so the user filter has a name no one else uses.
  const auditor = await api.createUser({ role: 'admin' });
  const { accessToken } = await api.login(auditor.username, auditor.password);
  const roleName = uniqueName('role').toLowerCase();
  const created = await page.request.post('/api/roles', {
    headers: { authorization: `Bearer ${accessToken}` },
    data: { name: roleName, description: 'made for the audit spec', permissions: ['vms:read'] },
  });
  expect(created.status()).toBe(201);
  const role = (await api.get<ListPage<Role>>(`/api/roles?q=${roleName}`)).items[0]!;

  await page.goto('/audit');
  await expect(page.locator('#page-title')).toHaveText('Audit');
  const rows = page.locator('#audit-table tr.audit-row');
  await expect(rows.first()).toBeVisible();

  await page.locator('#audit-filter-user').fill(auditor.username);
  await page.locator('#audit-filter-user').press('Enter');
  // Their sign-in and their change: nobody else's.
  await expect(rows).toHaveCount(2);
  await expect(
    page.locator(`#audit-table tr.audit-row:not([data-username="${auditor.username}"])`),
  ).toHaveCount(0);
  const row = page.locator('#audit-table tr.audit-row[data-action="roles:create"]');
  await expect(row).toContainText(role.id);
  await expect(row).toHaveAttribute('data-outcome', 'success');

  // The detail JSON opens under the row.
  await row.locator('button[id^="audit-expand-"]').click();
  await expect(page.locator('pre[id^="audit-detail-"]').first()).toContainText('vms:read');
  await snap(page, 'audit-filtered-by-user');

  // The same user's refused attempt is a second record; the outcome filter separates them.
  const denied = await page.request.delete(`/api/users/${auditor.id}`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(denied.status()).toBe(409);
  await page.locator('#audit-refresh').click();
  await expect(rows).toHaveCount(3);
  await page.locator('#audit-filter-action').fill('roles:create');
  await page.locator('#audit-filter-action').press('Enter');
  await expect(rows).toHaveCount(1);
  await page.locator('#audit-filter-action').fill('');
  await page.locator('#audit-filter-action').press('Enter');
  await expect(rows).toHaveCount(3);
  await page.locator('#audit-filter-outcome').click();
  await page.locator('nz-option-item[title="Failure"]').click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-outcome', 'failure');
  await expect(rows.first()).toHaveAttribute('data-action', 'users:delete');

  await page.locator('#audit-filter-clear').click();
  await expect(page.locator('#audit-filter-user')).toHaveValue('');
  await expectAccessible(page, 'audit');
  await snap(page, 'audit');
  expect(problems).toEqual([]);
});
