import { type Page, test } from '@playwright/test';

/**
 * A full-page screenshot named `name`.png in the test's output directory (test-results/…, kept as
 * an artifact of the run, never committed). Animations are frozen so two runs compare.
 */
export async function snap(page: Page, name: string): Promise<string> {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}
