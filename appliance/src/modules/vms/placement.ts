import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/database.ts';

const GiB = 1024;

/** One node's answer to "does this VM fit here?". */
export interface Candidate {
  nodeId: string;
  hostname: string;
  fits: boolean;
  reason: string;
  freeMemoryMb: number;
}

export interface PlacementSettings {
  cpuOvercommit: number;
  memoryOvercommit: number;
}

const gib = (mb: number) => `${(mb / GiB).toFixed(1).replace(/\.0$/, '')} GiB`;

/**
 * Picks the node for a VM: online, not in maintenance, connected, and with room for its vCPUs and
 * memory after what its VMs already hold (with the configured overcommit). Among the nodes that
 * fit, the one with the most free memory wins. Every node's reason is returned so a refusal can
 * say why ("node-2: 1.5 GiB free, needs 4 GiB").
 */
export async function placeVm(
  db: Kysely<DB> | Transaction<DB>,
  want: { vcpu: number; memoryMb: number; onlyNodeId?: string; excludeVmId?: string },
  settings: PlacementSettings,
  isConnected: (nodeId: string) => boolean,
): Promise<{ nodeId: string | null; candidates: Candidate[] }> {
  let query = db
    .selectFrom('nodes')
    .select([
      'nodes.id',
      'nodes.hostname',
      'nodes.status',
      'nodes.maintenance',
      'nodes.cpu_total',
      'nodes.mem_total',
      sql<number>`coalesce((SELECT sum(v.vcpu) FROM vms v WHERE v.node_id = nodes.id AND v.id IS DISTINCT FROM ${want.excludeVmId ?? null}), 0)`.as(
        'vcpu_used',
      ),
      sql<number>`coalesce((SELECT sum(v.memory_mb) FROM vms v WHERE v.node_id = nodes.id AND v.id IS DISTINCT FROM ${want.excludeVmId ?? null}), 0)`.as(
        'mem_used_mb',
      ),
    ])
    .orderBy('nodes.hostname');
  if (want.onlyNodeId) query = query.where('nodes.id', '=', want.onlyNodeId);
  const nodes = await query.execute();
  const candidates: Candidate[] = nodes.map((n) => {
    const memCapacity = (Number(n.mem_total) / 1024 ** 2) * settings.memoryOvercommit;
    const freeMemoryMb = Math.max(0, memCapacity - Number(n.mem_used_mb));
    const freeVcpu = n.cpu_total * settings.cpuOvercommit - Number(n.vcpu_used);
    const base = { nodeId: n.id, hostname: n.hostname, freeMemoryMb };
    if (n.maintenance) return { ...base, fits: false, reason: `${n.hostname}: in maintenance` };
    if (n.status !== 'online' || !isConnected(n.id))
      return { ...base, fits: false, reason: `${n.hostname}: offline` };
    if (freeMemoryMb < want.memoryMb) {
      return {
        ...base,
        fits: false,
        reason: `${n.hostname}: ${gib(freeMemoryMb)} free, needs ${gib(want.memoryMb)}`,
      };
    }
    if (freeVcpu < want.vcpu) {
      return {
        ...base,
        fits: false,
        reason: `${n.hostname}: ${Math.max(0, freeVcpu)} vCPU free, needs ${want.vcpu}`,
      };
    }
    return { ...base, fits: true, reason: `${n.hostname}: fits (${gib(freeMemoryMb)} free)` };
  });
  const best = candidates.filter((c) => c.fits).sort((a, b) => b.freeMemoryMb - a.freeMemoryMb)[0];
  return { nodeId: best?.nodeId ?? null, candidates };
}
