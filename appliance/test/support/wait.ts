/**
 * Polls `fn` until it returns something truthy; on timeout the error names what was awaited, the
 * last value seen and, when given, `context()` (an agent's log, say).
 */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  options: { intervalMs?: number; context?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last as T;
    await Bun.sleep(options.intervalMs ?? 50);
  }
  const context = options.context ? `\n${options.context()}` : '';
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})${context}`);
}
