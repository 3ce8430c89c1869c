import type { Page } from '@playwright/test';

/**
 * Starts collecting what should never happen on a console page: uncaught page errors, console
 * errors, server errors (5xx) on API calls, failed requests (other than aborted ones: navigation
 * cancels in-flight calls and the event stream), and icon/asset fetches from /assets (icons are
 * compiled in). Returns the live list; a spec ends with `expect(problems).toEqual([])`.
 */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/assets/'))
      problems.push(`asset fetch: ${request.url()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500)
      problems.push(`server error: ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'failed';
    if (!failure.includes('ERR_ABORTED'))
      problems.push(`request failed: ${request.method()} ${request.url()} ${failure}`);
  });
  return problems;
}
