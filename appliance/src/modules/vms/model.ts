import type { Vm } from '@paddock/protocol/api/vms';
import type { Selectable } from 'kysely';
import type { VmTable } from '../../db/database.ts';

// What the VM files share (the service, bulk actions, clones, task handlers), kept apart so that
// none of them imports another for it.

export type VmRow = Selectable<VmTable>;

/** The API view of a VM row. */
export function toVm(r: VmRow): Vm {
  const meta = (r.meta ?? {}) as { cdromVolumeId?: string };
  return {
    id: r.id,
    uuid: r.uuid,
    name: r.name,
    description: r.description,
    nodeId: r.node_id,
    status: r.status,
    managed: r.managed,
    vcpu: r.vcpu,
    memoryMb: r.memory_mb,
    diskIds: r.disk_ids as string[],
    nics: r.network_interfaces as Vm['nics'],
    cdromVolumeId: meta.cdromVolumeId ?? null,
    tags: r.tags as string[],
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
