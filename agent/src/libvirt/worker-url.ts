/** Where the worker scripts are, both from source and inside a `bun build --compile` binary. */
import { readdirSync } from 'node:fs';

const BUNFS_ROOT = '/$bunfs/root';

/**
 * URL of `libvirt/<name>.ts`. In a compiled binary every module shares the entry's
 * import.meta.url, so a relative URL points at the wrong place; the worker is found among the
 * embedded files instead (it must be passed to `bun build --compile` as an extra entrypoint).
 */
export function workerUrl(name: 'worker' | 'event-worker'): string {
  const fromSource = new URL(`./${name}.ts`, import.meta.url).href;
  if (!import.meta.url.includes('$bunfs')) return fromSource;
  const wanted = [`${name}.js`, `${name}.ts`];
  const hit = readdirSync(BUNFS_ROOT, { recursive: true })
    .map(String)
    .find((p) => wanted.some((w) => p === w || p.endsWith(`libvirt/${w}`)));
  return hit ? `file://${BUNFS_ROOT}/${hit}` : fromSource;
}
