/**
 * Checks of pool directories on this host. The agent runs as root on the hypervisor and libvirt's
 * pool build chmods/chowns its target (it turned /etc into 0711; a pool at /proc hung libvirtd), so
 * the agent decides where pools go itself rather than trusting the appliance's XML.
 */
import { lstatSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import { nonCanonical, poolPathProblem, systemDirectory } from '@paddock/protocol/api/pool-paths';

export { DEFAULT_POOL_ROOTS } from '@paddock/protocol/api/pool-paths';

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The existing directories from `/` down to `path`, refusing symbolic links and non-directories. */
function existingChain(path: string): Array<{ dir: string; stats: Stats }> {
  const chain: Array<{ dir: string; stats: Stats }> = [];
  const segments = path.split('/').slice(1);
  for (let i = 0; i <= segments.length; i++) {
    const dir = i === 0 ? '/' : `/${segments.slice(0, i).join('/')}`;
    const stats = lstatOrUndefined(dir);
    if (!stats) break;
    if (stats.isSymbolicLink()) throw new Error(`${dir} is a symbolic link`);
    if (!stats.isDirectory()) throw new Error(`${dir} is not a directory`);
    chain.push({ dir, stats });
  }
  return chain;
}

/** The uid and groups QEMU runs as (qemu.conf's `user`, else libvirt-qemu or qemu), if known. */
export function qemuIdentity(): { user: string; uid: number; gids: Set<number> } | undefined {
  let configured: string | undefined;
  try {
    configured = /^\s*user\s*=\s*"([^"]+)"/m.exec(readFileSync('/etc/libvirt/qemu.conf', 'utf8'))?.[1];
  } catch {
    // No readable qemu.conf: the distribution's default user.
  }
  let passwd = '';
  let group = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
    group = readFileSync('/etc/group', 'utf8');
  } catch {
    return undefined;
  }
  for (const name of configured ? [configured] : ['libvirt-qemu', 'qemu']) {
    const entry = passwd.split('\n').find((line) => line.split(':')[0] === name);
    if (!entry) continue;
    const [, , uid, gid] = entry.split(':');
    const gids = new Set([Number(gid)]);
    for (const line of group.split('\n')) {
      const [, , id, members] = line.split(':');
      if (members?.split(',').includes(name)) gids.add(Number(id));
    }
    return { user: name, uid: Number(uid), gids };
  }
  return undefined;
}

function searchable(stats: Stats, who: { uid: number; gids: Set<number> }): boolean {
  if (who.uid === 0) return true;
  if (stats.uid === who.uid) return (stats.mode & 0o100) !== 0;
  if (who.gids.has(stats.gid)) return (stats.mode & 0o010) !== 0;
  return (stats.mode & 0o001) !== 0;
}

/**
 * Checks a pool directory on this host: the spelling (poolPathProblem), no symbolic link or file
 * on the way, and QEMU's user able to reach it (else VMs fail later with "Permission denied").
 * Throws an Error naming the problem. A missing tail is fine: libvirt's build creates it 0711.
 */
export function assertPoolDirectory(path: string, roots: readonly string[], stateDir?: string): void {
  const problem = poolPathProblem(path, roots, stateDir);
  if (problem) throw new Error(problem);
  const chain = existingChain(path);
  const qemu = qemuIdentity();
  if (!qemu) return;
  const blocked = chain.find(({ stats }) => !searchable(stats, qemu));
  if (blocked) {
    throw new Error(
      `QEMU (user ${qemu.user}, uid ${qemu.uid}) cannot reach ${path}: ${blocked.dir} has mode ` +
        `${(blocked.stats.mode & 0o777).toString(8)} and owner ${blocked.stats.uid}:${blocked.stats.gid}`,
    );
  }
}

/** True when `path` exists and is a directory (not a link). */
export function isDirectory(path: string): boolean {
  return lstatOrUndefined(path)?.isDirectory() ?? false;
}

/** True when a file path lies under one of `roots` with no symbolic link on the way. */
export function fileUnderRoots(path: string, roots: readonly string[]): boolean {
  if (nonCanonical(path) || !roots.some((root) => path.startsWith(`${root}/`))) return false;
  try {
    existingChain(path.slice(0, path.lastIndexOf('/')));
    return !lstatOrUndefined(path)?.isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Canonical pool roots for the configuration: absolute, no system directory, resolved through
 * symbolic links when they exist (a root on another disk is often a link). Throws on a bad one.
 */
export function canonicalPoolRoots(roots: readonly string[], stateDir?: string): string[] {
  return roots.map((root) => {
    const problem = nonCanonical(root) ?? systemDirectory(root, stateDir);
    if (problem) throw new Error(`pool root ${root} ${problem}`);
    try {
      return realpathSync(root);
    } catch {
      return root;
    }
  });
}
