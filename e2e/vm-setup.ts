/**
 * Set-up shared by the VM page and console specs (API only: these specs are about the page, not
 * about creating storage or VMs): a pool in the hypervisor's pool directory, the test guest ISO
 * uploaded into it, and a VM that boots that ISO from its CD-ROM with one small blank disk.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Pool, PoolAccepted, VolumeAccepted } from '@paddock/protocol/api/storage';
import type { Vm, VmAccepted } from '@paddock/protocol/api/vms';
import type { ApiClient, Hypervisor } from './support/fixtures';

interface GuestStorage {
  pool: Pool;
  isoVolumeId: string;
  isoPath: string;
}

// One pool and one ISO per worker (its prefix): uploading 24 MB per test would only cost time.
// Other specs of the same worker may remove what the prefix owns (the harness spec does), so a
// remembered pool is used again only while its ISO is still on disk.
const storage = new Map<string, GuestStorage>();

export async function guestStorage(api: ApiClient, hypervisor: Hypervisor): Promise<GuestStorage> {
  const found = storage.get(hypervisor.prefix);
  if (found && existsSync(found.isoPath)) return found;
  if (found) await removeStorage(api, found);
  const fresh = await createStorage(api, hypervisor);
  storage.set(hypervisor.prefix, fresh);
  return fresh;
}

// Paddock's records of a pool whose files are gone: removed so the pool name can be used again.
async function removeStorage(api: ApiClient, gone: GuestStorage): Promise<void> {
  await api.raw('DELETE', `/api/storage/volumes/${gone.isoVolumeId}`);
  const answer = await api.raw<{ task?: { id: string } }>('DELETE', `/api/storage/pools/${gone.pool.id}`);
  if (answer.json?.task) await api.waitTask(answer.json.task.id, 60_000).catch(() => undefined);
}

let made = 0;

async function createStorage(api: ApiClient, hypervisor: Hypervisor): Promise<GuestStorage> {
  // A new name and folder each time: the records of a removed one may linger.
  const folder = `vm-setup-${++made}`;
  const { pool, task } = await api.post<PoolAccepted>('/api/storage/pools', {
    name: `${hypervisor.prefix}-pool-${made}`,
    type: 'dir',
    nodeId: hypervisor.nodeId,
    path: `${hypervisor.poolDir}/${folder}`,
  });
  await api.waitTaskSucceeded(task.id);
  const token = (await api.login(api.credentials.username, api.credentials.password)).accessToken;
  const name = `${hypervisor.prefix}-guest-iso`;
  const response = await api.request.fetch(`/api/storage/pools/${pool.id}/upload?name=${name}&format=iso`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    data: readFileSync(hypervisor.isoPath),
  });
  if (response.status() !== 201) throw new Error(`ISO upload: ${response.status()} ${await response.text()}`);
  const uploaded = (await response.json()) as VolumeAccepted;
  await api.waitTaskSucceeded(uploaded.task.id);
  return { pool, isoVolumeId: uploaded.volume.id, isoPath: `${hypervisor.poolDir}/${folder}/${name}.iso` };
}

/** A stopped VM named `name` (under the prefix) on the hypervisor, booting the guest ISO. */
export async function createGuestVm(api: ApiClient, hypervisor: Hypervisor, name: string): Promise<Vm> {
  const { pool, isoVolumeId } = await guestStorage(api, hypervisor);
  const { vm, task } = await api.post<VmAccepted>('/api/vms', {
    name,
    description: 'e2e guest: boots the test ISO',
    vcpu: 1,
    memoryMb: 256,
    disks: [{ sizeGb: 0.0625, poolId: pool.id }],
    cdrom: { volumeId: isoVolumeId },
    nics: [],
    nodeId: hypervisor.nodeId,
    tags: ['e2e'],
  });
  await api.waitTaskSucceeded(task.id);
  return api.get<Vm>(`/api/vms/${vm.id}`);
}

/** Starts the VM through the API and waits until it runs. */
export async function startVm(api: ApiClient, id: string): Promise<void> {
  const { task } = await api.post<{ task: { id: string } }>(`/api/vms/${id}/start`, {});
  await api.waitTaskSucceeded(task.id);
}
