import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Size and use of one filesystem, in bytes. */
export interface DiskUsage {
  /** The directory actually measured (the nearest existing ancestor of the one asked for). */
  path: string;
  totalBytes: number;
  usedBytes: number;
}

/**
 * statfs of the filesystem holding `root`. A root that does not exist yet (libvirt not installed, a
 * fresh host) is measured at its nearest existing ancestor rather than failing the heartbeat.
 */
export function diskUsage(root: string): DiskUsage {
  let path = root;
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  const s = statfsSync(path);
  // Used = all blocks minus free ones (what df shows as Used); root-reserved blocks count as free.
  return { path, totalBytes: s.blocks * s.bsize, usedBytes: Math.max(0, s.blocks - s.bfree) * s.bsize };
}
