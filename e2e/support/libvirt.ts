/**
 * virsh on the shared libvirtd, and the removal of what one prefix owns. libvirtd on these machines
 * is shared by everyone's tests: everything here acts only on names that start with a prefix the
 * harness handed out, never on anything else.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LIBVIRT_URI } from './env';

export interface VirshResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `virsh -c qemu:///system ARGS`; throws with virsh's message unless `check: false`. */
export function virsh(
  args: readonly string[],
  options: { check?: boolean; timeoutMs?: number } = {},
): VirshResult {
  const run = spawnSync('virsh', ['-q', '-c', LIBVIRT_URI, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
  });
  const result = {
    code: run.status ?? -1,
    stdout: run.stdout ?? '',
    stderr: run.stderr || (run.error ? String(run.error) : ''),
  };
  if (options.check !== false && result.code !== 0) {
    throw new Error(
      `virsh ${args.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result;
}

/** Why libvirt cannot be used here, or undefined when `virsh version` answers. */
export function libvirtUnavailableReason(): string | undefined {
  const run = spawnSync('virsh', ['-q', '-c', LIBVIRT_URI, 'version'], { encoding: 'utf8', timeout: 15_000 });
  if (run.error) return `virsh cannot run: ${run.error.message}`;
  if (run.status !== 0) return `virsh -c ${LIBVIRT_URI} version failed: ${(run.stderr || run.stdout).trim()}`;
  return undefined;
}

const names = (args: string[]): string[] =>
  virsh(args, { check: false })
    .stdout.split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** The domains and pools whose names start with `prefix`. */
export function ownedBy(prefix: string): { domains: string[]; pools: string[] } {
  if (!prefix) throw new Error('ownedBy: an empty prefix would match everything');
  return {
    domains: names(['list', '--all', '--name']).filter((name) => name.startsWith(prefix)),
    pools: names(['pool-list', '--all', '--name']).filter((name) => name.startsWith(prefix)),
  };
}

/**
 * Destroys and undefines every domain (with its snapshot, checkpoint and managed-save metadata)
 * and every pool whose name starts with `prefix`, then empties `dirs`. Each step is attempted even
 * when an earlier one failed; what could not be removed is returned (and left for the caller to
 * report). Disk files are not deleted through libvirt: they live in the prefix's own directories.
 */
export function removeOwned(prefix: string, dirs: readonly string[] = []): string[] {
  const { domains, pools } = ownedBy(prefix);
  for (const domain of domains) {
    virsh(['destroy', domain], { check: false });
    const undefine = virsh(
      ['undefine', domain, '--snapshots-metadata', '--checkpoints-metadata', '--managed-save', '--nvram'],
      { check: false },
    );
    // An older libvirt or a domain type without NVRAM support refuses the flag: retry without it.
    if (undefine.code !== 0)
      virsh(['undefine', domain, '--snapshots-metadata', '--managed-save'], { check: false });
  }
  for (const pool of pools) {
    virsh(['pool-destroy', pool], { check: false });
    virsh(['pool-undefine', pool], { check: false });
  }
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  }
  const left = ownedBy(prefix);
  return [...left.domains.map((d) => `domain ${d}`), ...left.pools.map((p) => `pool ${p}`)];
}
