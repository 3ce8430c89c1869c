/**
 * Where storage pools may live, by the path's spelling alone: the agent enforces these rules (it
 * runs as root and libvirt's pool build chmods its target), the appliance checks them first for a
 * clear 400, and the console offers the node's roots.
 */
/** Pool roots when none are configured. */
export const DEFAULT_POOL_ROOTS = ['/var/lib/libvirt/images', '/var/lib/paddock/pools'] as const;

// System directories: no pool in them or below them.
export const SYSTEM_TREES = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/sys',
  '/usr',
  '/var/log',
  '/var/run',
  '/var/lock',
  '/var/lib/libvirt/qemu',
  '/var/lib/libvirt/dnsmasq',
  '/var/lib/paddock-agent',
];
// Directories that hold other things: a pool may live below them, never at them.
export const SHARED_DIRS = [
  '/',
  '/home',
  '/tmp',
  '/var',
  '/var/tmp',
  '/var/lib',
  '/var/lib/libvirt',
  '/var/lib/paddock',
  '/mnt',
  '/media',
  '/opt',
  '/srv',
];

const under = (path: string, dir: string) => path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);

/** Why `path` is not written canonically (absolute, no `.`/`..`/empty segments), or undefined. */
export function nonCanonical(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must be an absolute path';
  if (path.includes('\0')) return 'must not contain NUL';
  if (path.length > 1024) return 'is longer than 1024 characters';
  if (path !== '/' && path.endsWith('/')) return 'must not end with /';
  const segments = path.split('/').slice(1);
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    return 'must be canonical (no ".", ".." or "//")';
  }
  return undefined;
}

/** Why `path` names a system directory (or one above one), or undefined. */
export function systemDirectory(path: string, stateDir?: string): string | undefined {
  const trees = stateDir ? [...SYSTEM_TREES, stateDir] : SYSTEM_TREES;
  const hit =
    trees.find((dir) => under(path, dir) || under(dir, path)) ?? SHARED_DIRS.find((d) => d === path);
  return hit === undefined ? undefined : `is or holds a system directory (${hit})`;
}

/**
 * Why a pool may not live at `path` going by its spelling alone (canonical, not a system
 * directory, under one of `roots`), or undefined. The appliance checks the same for an early 400.
 */
export function poolPathProblem(
  path: string,
  roots: readonly string[],
  stateDir?: string,
): string | undefined {
  const problem = nonCanonical(path) ?? systemDirectory(path, stateDir);
  if (problem) return `pool path ${path} ${problem}`;
  if (!roots.some((root) => under(path, root))) {
    return `pool path ${path} is outside the allowed pool roots (${roots.join(', ')})`;
  }
  return undefined;
}
