import type { Kysely } from 'kysely';
import type { AgentCaller } from '../../agents/hub.ts';
import type { DB } from '../../db/database.ts';
import { domainXml } from '../../libvirt-xml/domain-xml.ts';
import type { TaskType } from '../../tasks/catalog.ts';
import {
  type CatalogTaskHandler,
  PermanentTaskError,
  type TaskContext,
  type TaskWorker,
} from '../../tasks/worker.ts';
import { ignoreNotFound } from '../ignore-not-found.ts';
import { findNode } from '../../agents/node-records.ts';
import { bridgeOfNetwork } from '../networks/repository.ts';
import * as storage from '../storage/repository.ts';
import { volumeFileName } from '../storage/service.ts';
import { ensureVolumeFile, removeVolume } from '../storage/storage.handlers.ts';
import * as repo from './repository.ts';
import { registerCloneTask } from './clone.ts';
import type { VmsService } from './service.ts';
import { statusOfDomainState } from './state.ts';

const GiB = 1024 ** 3;

/** What every VM handler works with. */
interface VmTaskDeps {
  db: Kysely<DB>;
  agents: AgentCaller;
  vms: VmsService;
}

type VmContext = TaskContext<{ vmId: string }>;

async function loadVm(db: Kysely<DB>, ctx: VmContext) {
  const vm = await repo.findVm(db, String(ctx.payload.vmId));
  if (!vm) throw new PermanentTaskError('the VM no longer exists', 'VM_NOT_FOUND');
  if (!vm.node_id) throw new PermanentTaskError('the VM has no node', 'VM_NOT_PLACED');
  return { vm, nodeId: vm.node_id };
}

async function setStatus(d: VmTaskDeps, vmId: string, status: string): Promise<void> {
  d.vms.announceRow(vmId, await repo.updateVm(d.db, vmId, { status }));
}

async function domainState(d: VmTaskDeps, nodeId: string, uuid: string) {
  return (await ignoreNotFound(d.agents.call(nodeId, 'domain.info', { uuid })))?.state;
}

/** Builds the domain XML from the database: volumes' paths, networks' bridges, node's virt type. */
async function buildXml(d: VmTaskDeps, vmId: string): Promise<string> {
  const vm = (await repo.findVm(d.db, vmId))!;
  const node = await findNode(d.db, vm.node_id!);
  const disks = [];
  for (const volumeId of vm.disk_ids as string[]) {
    const volume = await storage.findVolume(d.db, volumeId);
    if (!volume?.path) throw new PermanentTaskError(`disk ${volumeId} has no path on the node`);
    disks.push({
      path: volume.path,
      format: volume.format === 'qcow2' ? ('qcow2' as const) : ('raw' as const),
    });
  }
  const cdromId = (vm.meta as { cdromVolumeId?: string }).cdromVolumeId;
  const cdromVolume = cdromId ? await storage.findVolume(d.db, cdromId) : undefined;
  const nics = [];
  for (const nic of vm.network_interfaces as Array<{ networkId: string; mac: string }>) {
    const bridge = await bridgeOfNetwork(d.db, nic.networkId);
    if (!bridge) throw new PermanentTaskError(`network ${nic.networkId} has no bridge`);
    nics.push({ bridge, mac: nic.mac });
  }
  return domainXml({
    uuid: vm.uuid,
    name: vm.name,
    vcpu: vm.vcpu,
    memoryMb: vm.memory_mb,
    virtType: node?.virt_type === 'kvm' ? 'kvm' : 'qemu',
    disks,
    ...(cdromVolume?.path && { cdrom: { path: cdromVolume.path } }),
    nics,
    description: vm.description,
  });
}

/** `vm.create`: the disks, then the domain; each step skipped when a re-run finds it done. */
async function createVm(d: VmTaskDeps, ctx: VmContext) {
  const { vm, nodeId } = await loadVm(d.db, ctx);
  ctx.revert.add('mark VM as failed', () => setStatus(d, vm.id, 'error'));
  const diskIds = vm.disk_ids as string[];
  for (const [i, volumeId] of diskIds.entries()) {
    const volume = await storage.findVolume(d.db, volumeId);
    const pool = volume && (await storage.findPool(d.db, volume.pool_id));
    if (!volume || !pool) throw new PermanentTaskError(`disk ${i} is gone`);
    if (volume.status === 'ready' && volume.path) continue;
    const file = volumeFileName(volume.name, volume.format);
    const { info } = await ensureVolumeFile(
      d.db,
      d.agents,
      { nodeId, pool: pool.name, file, volume },
      () =>
        d.agents.call(nodeId, 'volume.create', {
          pool: pool.name,
          name: file,
          capacityBytes: Math.round(volume.size_gb * GiB),
          format: volume.format === 'raw' ? 'raw' : 'qcow2',
        }),
      { revert: ctx.revert, label: `delete disk ${i}` },
    );
    await storage.updateVolume(d.db, volumeId, { status: 'ready', path: info.path });
    await ctx.progress(10 + Math.round((60 * (i + 1)) / diskIds.length), `disk ${i} ready`);
  }
  if ((await domainState(d, nodeId, vm.uuid)) === undefined) {
    await d.agents.call(nodeId, 'domain.define', { xml: await buildXml(d, vm.id) });
    ctx.revert.add('undefine domain', () =>
      d.agents.call(nodeId, 'domain.undefine', { uuid: vm.uuid }).then(() => {}),
    );
  }
  await ctx.progress(90, 'domain defined');
  await setStatus(d, vm.id, statusOfDomainState((await domainState(d, nodeId, vm.uuid)) ?? 'shutoff'));
  return { uuid: vm.uuid, nodeId };
}

/** `vm.redefine`: the domain's XML rebuilt from the database after an edit. */
async function redefineVm(d: VmTaskDeps, ctx: VmContext) {
  const { vm, nodeId } = await loadVm(d.db, ctx);
  await d.agents.call(nodeId, 'domain.define', { xml: await buildXml(d, vm.id) });
  return {};
}

type PowerType = Extract<TaskType, 'vm.start' | 'vm.stop' | 'vm.reboot' | 'vm.suspend' | 'vm.resume'>;

/**
 * `goal`: the VM status the method leaves the domain in. A re-run (a retry, a worker that died
 * after the agent acted) finds the domain there already, and libvirt refuses ("domain is already
 * running": OPERATION_INVALID from QEMU, an internal error from the test driver): the state read
 * back then says it is done. Reboot has no such state.
 */
function powerHandler(
  d: VmTaskDeps,
  method: 'domain.start' | 'domain.destroy' | 'domain.reboot' | 'domain.suspend' | 'domain.resume',
  transient?: string,
  goal?: string,
): CatalogTaskHandler<PowerType> {
  return async (ctx) => {
    const { vm, nodeId } = await loadVm(d.db, ctx);
    // The transient status is written while the agent already works: it is only for display,
    // and the final status below waits for it, so it cannot land last.
    const marked = transient ? setStatus(d, vm.id, transient) : Promise.resolve();
    ctx.revert.add('read the real state back', async () => {
      await marked.catch(() => {});
      const state = await domainState(d, nodeId, vm.uuid).catch(() => undefined);
      await setStatus(d, vm.id, state ? statusOfDomainState(state) : 'error');
    });
    const call = d.agents
      .call(nodeId, method, { uuid: vm.uuid }, { signal: ctx.signal })
      .catch(async (error: unknown) => {
        if (!goal || ctx.signal.aborted) throw error;
        const now = await domainState(d, nodeId, vm.uuid).catch(() => undefined);
        if (now && statusOfDomainState(now) === goal) return { uuid: vm.uuid, state: now };
        throw error;
      });
    const [{ state }] = await Promise.all([call, marked]);
    await setStatus(d, vm.id, statusOfDomainState(state));
    return { state };
  };
}

/** `vm.shutdown`: asks the guest, waits, and powers it off after the timeout only with `force`. */
async function shutdownVm(
  d: VmTaskDeps,
  ctx: TaskContext<{ vmId: string; timeoutSec?: number; force?: boolean }>,
) {
  const { vm, nodeId } = await loadVm(d.db, ctx);
  const timeoutSec = Number(ctx.payload.timeoutSec ?? 60);
  const force = Boolean(ctx.payload.force);
  await setStatus(d, vm.id, 'stopping');
  ctx.revert.add('read the real state back', async () => {
    const state = await domainState(d, nodeId, vm.uuid).catch(() => undefined);
    await setStatus(d, vm.id, state ? statusOfDomainState(state) : 'error');
  });
  await d.agents.call(nodeId, 'domain.shutdown', { uuid: vm.uuid });
  const deadline = Date.now() + timeoutSec * 1000;
  while (Date.now() < deadline) {
    const state = await domainState(d, nodeId, vm.uuid);
    if (state === 'shutoff' || state === undefined) {
      await setStatus(d, vm.id, 'stopped');
      return { forced: false };
    }
    await ctx.progress(
      Math.min(95, Math.round((100 * (timeoutSec * 1000 - (deadline - Date.now()))) / (timeoutSec * 1000))),
    );
    await Bun.sleep(500);
  }
  if (!force)
    throw new PermanentTaskError(
      `the guest did not power off within ${timeoutSec} s (use force to power it off)`,
      'SHUTDOWN_TIMEOUT',
    );
  await ctx.log(`guest still running after ${timeoutSec} s: powering off`, undefined, 'warn');
  const { state } = await d.agents.call(nodeId, 'domain.destroy', { uuid: vm.uuid });
  await setStatus(d, vm.id, statusOfDomainState(state));
  return { forced: true };
}

/** `vm.delete`: the domain, then the disks (or only their link to the VM), then the row. */
async function deleteVm(d: VmTaskDeps, ctx: TaskContext<{ vmId: string; deleteDisks?: boolean }>) {
  const vm = await repo.findVm(d.db, String(ctx.payload.vmId));
  if (!vm) return { alreadyGone: true };
  const deleteDisks = Boolean(ctx.payload.deleteDisks);
  if (vm.node_id) {
    const state = await domainState(d, vm.node_id, vm.uuid);
    if (state && state !== 'shutoff') await d.agents.call(vm.node_id, 'domain.destroy', { uuid: vm.uuid });
    if (state)
      await d.agents.call(vm.node_id, 'domain.undefine', {
        uuid: vm.uuid,
        removeSnapshotMetadata: true,
        removeNvram: true,
      });
    await ctx.progress(50, 'domain removed');
  }
  for (const volumeId of vm.disk_ids as string[]) {
    const volume = await storage.findVolume(d.db, volumeId);
    if (!volume) continue;
    if (!deleteDisks) {
      await storage.updateVolume(d.db, volumeId, { vm_id: null });
      continue;
    }
    await removeVolume(d.db, d.agents, volume);
  }
  await repo.deleteVm(d.db, vm.id);
  await d.vms.announce(vm.id);
  return { deleteDisks };
}

/** VM task handlers. Each reads libvirt's view before acting, so a re-run after a crash is safe. */
export function registerVmTasks(
  worker: TaskWorker,
  db: Kysely<DB>,
  agents: AgentCaller,
  vms: VmsService,
): void {
  const d: VmTaskDeps = { db, agents, vms };
  const create = (ctx: VmContext) => createVm(d, ctx);
  worker.register('vm.create', create);
  registerCloneTask(worker, db, agents, create, async (vmId) => {
    const vm = await repo.findVm(db, vmId);
    if (vm?.node_id) await agents.call(vm.node_id, 'domain.define', { xml: await buildXml(d, vmId) });
  });
  worker.register('vm.redefine', (ctx) => redefineVm(d, ctx));
  worker.register('vm.start', powerHandler(d, 'domain.start', 'starting', 'running'));
  worker.register('vm.stop', powerHandler(d, 'domain.destroy', 'stopping', 'stopped'));
  worker.register('vm.reboot', powerHandler(d, 'domain.reboot'));
  worker.register('vm.suspend', powerHandler(d, 'domain.suspend', undefined, 'paused'));
  worker.register('vm.resume', powerHandler(d, 'domain.resume', undefined, 'running'));
  worker.register('vm.shutdown', (ctx) => shutdownVm(d, ctx));
  worker.register('vm.delete', (ctx) => deleteVm(d, ctx));
}
