import type { Kysely } from 'kysely';
import type { AgentCaller } from '../../agents/hub.ts';
import type { DB } from '../../db/database.ts';
import { domainXml } from '../../libvirt-xml/domain-xml.ts';
import { PermanentTaskError, type TaskContext, type TaskWorker } from '../../tasks/worker.ts';
import { ignoreNotFound } from '../ignore-not-found.ts';
import { findNode } from '../../agents/node-records.ts';
import { bridgeOfNetwork } from '../networks/repository.ts';
import * as storage from '../storage/repository.ts';
import { volumeFileName } from '../storage/service.ts';
import { ensureVolumeFile, removeVolume } from '../storage/tasks.ts';
import * as repo from './repository.ts';
import { registerCloneTask } from './clone.ts';
import type { VmsService } from './service.ts';
import { statusOfDomainState } from './state.ts';

const GiB = 1024 ** 3;

async function loadVm(db: Kysely<DB>, ctx: TaskContext) {
  const vm = await repo.findVm(db, String(ctx.payload.vmId));
  if (!vm) throw new PermanentTaskError('the VM no longer exists', 'VM_NOT_FOUND');
  if (!vm.node_id) throw new PermanentTaskError('the VM has no node', 'VM_NOT_PLACED');
  return { vm, nodeId: vm.node_id };
}

/** VM task handlers. Each reads libvirt's view before acting, so a re-run after a crash is safe. */
export function registerVmTasks(
  worker: TaskWorker,
  db: Kysely<DB>,
  agents: AgentCaller,
  vms: VmsService,
): void {
  const setStatus = async (vmId: string, status: string) => {
    vms.announceRow(vmId, await repo.updateVm(db, vmId, { status }));
  };
  const domainState = async (nodeId: string, uuid: string) =>
    (await ignoreNotFound(agents.call(nodeId, 'domain.info', { uuid })))?.state;

  /** Builds the domain XML from the database: volumes' paths, networks' bridges, node's virt type. */
  const buildXml = async (vmId: string) => {
    const vm = (await repo.findVm(db, vmId))!;
    const node = await findNode(db, vm.node_id!);
    const disks = [];
    for (const volumeId of vm.disk_ids as string[]) {
      const volume = await storage.findVolume(db, volumeId);
      if (!volume?.path) throw new PermanentTaskError(`disk ${volumeId} has no path on the node`);
      disks.push({
        path: volume.path,
        format: volume.format === 'qcow2' ? ('qcow2' as const) : ('raw' as const),
      });
    }
    const cdromId = (vm.meta as { cdromVolumeId?: string }).cdromVolumeId;
    const cdromVolume = cdromId ? await storage.findVolume(db, cdromId) : undefined;
    const nics = [];
    for (const nic of vm.network_interfaces as Array<{ networkId: string; mac: string }>) {
      const bridge = await bridgeOfNetwork(db, nic.networkId);
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
  };

  const createVm = async (ctx: TaskContext) => {
    const { vm, nodeId } = await loadVm(db, ctx);
    ctx.revert.add('mark VM as failed', () => setStatus(vm.id, 'error'));
    const diskIds = vm.disk_ids as string[];
    for (const [i, volumeId] of diskIds.entries()) {
      const volume = await storage.findVolume(db, volumeId);
      const pool = volume && (await storage.findPool(db, volume.pool_id));
      if (!volume || !pool) throw new PermanentTaskError(`disk ${i} is gone`);
      if (volume.status === 'ready' && volume.path) continue;
      const file = volumeFileName(volume.name, volume.format);
      const { info } = await ensureVolumeFile(
        db,
        agents,
        { nodeId, pool: pool.name, file, volume },
        () =>
          agents.call(nodeId, 'volume.create', {
            pool: pool.name,
            name: file,
            capacityBytes: Math.round(volume.size_gb * GiB),
            format: volume.format === 'raw' ? 'raw' : 'qcow2',
          }),
        { revert: ctx.revert, label: `delete disk ${i}` },
      );
      await storage.updateVolume(db, volumeId, { status: 'ready', path: info.path });
      await ctx.progress(10 + Math.round((60 * (i + 1)) / diskIds.length), `disk ${i} ready`);
    }
    if ((await domainState(nodeId, vm.uuid)) === undefined) {
      await agents.call(nodeId, 'domain.define', { xml: await buildXml(vm.id) });
      ctx.revert.add('undefine domain', () =>
        agents.call(nodeId, 'domain.undefine', { uuid: vm.uuid }).then(() => {}),
      );
    }
    await ctx.progress(90, 'domain defined');
    await setStatus(vm.id, statusOfDomainState((await domainState(nodeId, vm.uuid)) ?? 'shutoff'));
    return { uuid: vm.uuid, nodeId };
  };
  worker.register('vm.create', createVm);
  registerCloneTask(worker, db, agents, createVm, async (vmId) => {
    const vm = await repo.findVm(db, vmId);
    if (vm?.node_id) await agents.call(vm.node_id, 'domain.define', { xml: await buildXml(vmId) });
  });

  worker.register('vm.redefine', async (ctx) => {
    const { vm, nodeId } = await loadVm(db, ctx);
    await agents.call(nodeId, 'domain.define', { xml: await buildXml(vm.id) });
    return {};
  });

  /**
   * `goal`: the VM status the method leaves the domain in. A re-run (a retry, a worker that died
   * after the agent acted) finds the domain there already, and libvirt refuses ("domain is already
   * running": OPERATION_INVALID from QEMU, an internal error from the test driver): the state read
   * back then says it is done. Reboot has no such state.
   */
  const power = (
    type: string,
    method: 'domain.start' | 'domain.destroy' | 'domain.reboot' | 'domain.suspend' | 'domain.resume',
    transient?: string,
    goal?: string,
  ) => {
    worker.register(type, async (ctx) => {
      const { vm, nodeId } = await loadVm(db, ctx);
      // The transient status is written while the agent already works: it is only for display,
      // and the final status below waits for it, so it cannot land last.
      const marked = transient ? setStatus(vm.id, transient) : Promise.resolve();
      ctx.revert.add('read the real state back', async () => {
        await marked.catch(() => {});
        const state = await domainState(nodeId, vm.uuid).catch(() => undefined);
        await setStatus(vm.id, state ? statusOfDomainState(state) : 'error');
      });
      const call = agents
        .call(nodeId, method, { uuid: vm.uuid }, { signal: ctx.signal })
        .catch(async (error: unknown) => {
          if (!goal || ctx.signal.aborted) throw error;
          const now = await domainState(nodeId, vm.uuid).catch(() => undefined);
          if (now && statusOfDomainState(now) === goal) return { uuid: vm.uuid, state: now };
          throw error;
        });
      const [{ state }] = await Promise.all([call, marked]);
      await setStatus(vm.id, statusOfDomainState(state));
      return { state };
    });
  };
  power('vm.start', 'domain.start', 'starting', 'running');
  power('vm.stop', 'domain.destroy', 'stopping', 'stopped');
  power('vm.reboot', 'domain.reboot');
  power('vm.suspend', 'domain.suspend', undefined, 'paused');
  power('vm.resume', 'domain.resume', undefined, 'running');

  worker.register('vm.shutdown', async (ctx) => {
    const { vm, nodeId } = await loadVm(db, ctx);
    const timeoutSec = Number(ctx.payload.timeoutSec ?? 60);
    const force = Boolean(ctx.payload.force);
    await setStatus(vm.id, 'stopping');
    ctx.revert.add('read the real state back', async () => {
      const state = await domainState(nodeId, vm.uuid).catch(() => undefined);
      await setStatus(vm.id, state ? statusOfDomainState(state) : 'error');
    });
    await agents.call(nodeId, 'domain.shutdown', { uuid: vm.uuid });
    const deadline = Date.now() + timeoutSec * 1000;
    while (Date.now() < deadline) {
      const state = await domainState(nodeId, vm.uuid);
      if (state === 'shutoff' || state === undefined) {
        await setStatus(vm.id, 'stopped');
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
    const { state } = await agents.call(nodeId, 'domain.destroy', { uuid: vm.uuid });
    await setStatus(vm.id, statusOfDomainState(state));
    return { forced: true };
  });

  worker.register('vm.delete', async (ctx) => {
    const vm = await repo.findVm(db, String(ctx.payload.vmId));
    if (!vm) return { alreadyGone: true };
    const deleteDisks = Boolean(ctx.payload.deleteDisks);
    if (vm.node_id) {
      const state = await domainState(vm.node_id, vm.uuid);
      if (state && state !== 'shutoff') await agents.call(vm.node_id, 'domain.destroy', { uuid: vm.uuid });
      if (state)
        await agents.call(vm.node_id, 'domain.undefine', {
          uuid: vm.uuid,
          removeSnapshotMetadata: true,
          removeNvram: true,
        });
      await ctx.progress(50, 'domain removed');
    }
    for (const volumeId of vm.disk_ids as string[]) {
      const volume = await storage.findVolume(db, volumeId);
      if (!volume) continue;
      if (!deleteDisks) {
        await storage.updateVolume(db, volumeId, { vm_id: null });
        continue;
      }
      await removeVolume(db, agents, volume);
    }
    await repo.deleteVm(db, vm.id);
    await vms.announce(vm.id);
    return { deleteDisks };
  });
}
