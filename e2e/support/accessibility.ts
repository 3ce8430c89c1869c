/**
 * axe-core (through @axe-core/playwright) on a console page. The bar the issue sets: no violation
 * of impact serious or critical on any page. Minor and moderate ones are kept in the attached
 * report but do not fail.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import type { AxeResults, Result } from 'axe-core';

const BLOCKING = new Set(['serious', 'critical']);

export interface AxeOptions {
  /** CSS selectors to limit the scan to. */
  include?: string[];
  /** CSS selectors to leave out (e.g. a third-party canvas). */
  exclude?: string[];
  /** Rule ids to skip, each with a reason in the spec. */
  disableRules?: string[];
}

/** Runs axe on the page as it is now; the full results are attached to the test as JSON. */
export async function runAxe(page: Page, context: string, options: AxeOptions = {}): Promise<AxeResults> {
  let builder = new AxeBuilder({ page });
  for (const selector of options.include ?? []) builder = builder.include(selector);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  if (options.disableRules?.length) builder = builder.disableRules(options.disableRules);
  const results = await builder.analyze();
  await test.info().attach(`axe-${context.replace(/[^A-Za-z0-9_-]+/g, '-')}.json`, {
    body: JSON.stringify(results, null, 2),
    contentType: 'application/json',
  });
  return results;
}

/** The serious and critical violations, one line each: rule id, impact, help, target selectors. */
export function blockingViolations(results: AxeResults): string[] {
  return results.violations
    .filter((v: Result) => BLOCKING.has(v.impact ?? ''))
    .map((v: Result) => {
      const targets = v.nodes.map((n) => n.target.map(String).join(' >>> ')).join(' | ');
      return `${v.id} (${v.impact}): ${v.help} — ${targets}`;
    });
}

/** Fails the test, listing each, when the page has a serious or critical accessibility violation. */
export async function expectAccessible(page: Page, context: string, options: AxeOptions = {}): Promise<void> {
  const results = await runAxe(page, context, options);
  expect(blockingViolations(results), `serious/critical axe violations on ${context}`).toEqual([]);
}
