import { type Insertable, sql, type Updateable } from 'kysely';
import type { Conn, VolumePoolTable, VolumeTable } from '../../db/database.ts';
import { type ListParams, type ListSpec, runList } from '../../db/list-query.ts';

export const poolListSpec: ListSpec = {
  sortable: { id: 'id', name: 'name', createdAt: 'created_at', status: 'status' },
  defaultSort: { field: 'name', dir: 'asc' },
  searchable: ['name', 'path'],
  filters: { nodeId: 'node_id', type: 'type', status: 'status' },
};

export const volumeListSpec: ListSpec = {
  sortable: { id: 'id', name: 'name', createdAt: 'created_at', sizeGb: 'size_gb', status: 'status' },
  defaultSort: { field: 'name', dir: 'asc' },
  searchable: ['name'],
  filters: { poolId: 'pool_id', vmId: 'vm_id', format: 'format', status: 'status' },
};

export const listPools = (db: Conn, params: ListParams) =>
  runList(db.selectFrom('volume_pools').selectAll(), poolListSpec, params);
export const listVolumes = (db: Conn, params: ListParams) =>
  runList(db.selectFrom('volumes').selectAll(), volumeListSpec, params);
export const findPool = (db: Conn, id: string) =>
  db.selectFrom('volume_pools').selectAll().where('id', '=', id).executeTakeFirst();
export const findPoolByName = (db: Conn, name: string) =>
  db.selectFrom('volume_pools').selectAll().where('name', '=', name).executeTakeFirst();
export const findVolume = (db: Conn, id: string) =>
  db.selectFrom('volumes').selectAll().where('id', '=', id).executeTakeFirst();
export const findVolumeByName = (db: Conn, poolId: string, name: string) =>
  db
    .selectFrom('volumes')
    .selectAll()
    .where('pool_id', '=', poolId)
    .where('name', '=', name)
    .executeTakeFirst();

export async function insertPool(db: Conn, row: Insertable<VolumePoolTable>) {
  await db.insertInto('volume_pools').values(row).execute();
}
export async function updatePool(db: Conn, id: string, changes: Updateable<VolumePoolTable>) {
  await db
    .updateTable('volume_pools')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}
export async function deletePool(db: Conn, id: string) {
  await db.deleteFrom('volume_pools').where('id', '=', id).execute();
}
export async function insertVolume(db: Conn, row: Insertable<VolumeTable>) {
  await db.insertInto('volumes').values(row).execute();
}
export async function updateVolume(db: Conn, id: string, changes: Updateable<VolumeTable>) {
  await db
    .updateTable('volumes')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}
/** Attaches a volume to a VM if it is attached to none; false when it is taken (or gone). */
export async function claimVolume(db: Conn, id: string, vmId: string): Promise<boolean> {
  const result = await db
    .updateTable('volumes')
    .set({ vm_id: vmId, updated_at: new Date() })
    .where('id', '=', id)
    .where('vm_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
export async function deleteVolume(db: Conn, id: string) {
  await db.deleteFrom('volumes').where('id', '=', id).execute();
}
export const countVolumes = (db: Conn, poolId: string) =>
  db
    .selectFrom('volumes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('pool_id', '=', poolId)
    .executeTakeFirst()
    .then((r) => Number(r?.n ?? 0));

/**
 * Volumes whose file has this one as its backing file, with their VMs: overlays of linked clones
 * (and of a linked source), including clones made before the base was frozen (`cloneOf` + linked).
 */
export const dependentsOf = (db: Conn, id: string) =>
  db
    .selectFrom('volumes')
    .leftJoin('vms', 'vms.id', 'volumes.vm_id')
    .select(['volumes.id', 'volumes.name', 'vms.name as vmName'])
    .where((eb) =>
      eb.or([
        eb(sql<string>`volumes.meta->>'backingVolumeId'`, '=', id),
        eb.and([
          eb(sql<string>`volumes.meta->>'cloneOf'`, '=', id),
          eb(sql<string>`volumes.meta->>'mode'`, '=', 'linked'),
        ]),
      ]),
    )
    .orderBy('volumes.name')
    .execute();

/** "vm-a (disk x), …": who a refused delete would break. */
export const describeDependents = (rows: Awaited<ReturnType<typeof dependentsOf>>) =>
  rows.map((r) => (r.vmName ? `VM ${r.vmName} (${r.name})` : `volume ${r.name}`)).join(', ');
