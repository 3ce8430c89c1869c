import type { DomainEvent, DomainState } from '@paddock/protocol/rpc/index';
import type { Kysely } from 'kysely';
import type { AgentCaller } from '../../agents/hub.ts';
import type { DB } from '../../db/database.ts';
import type { Logger } from '../../observability/logger.ts';
import * as repo from './repository.ts';
import type { VmsService } from './service.ts';
import { statusOfDomainEvent, statusOfDomainState } from './state.ts';

// While a task is moving a VM, the task owns its status; events then only confirm.
const BUSY = new Set(['creating', 'deleting', 'migrating']);

/**
 * Keeps VM status equal to what libvirt reports: lifecycle events as they happen, and the full
 * inventory after (re)connection and periodically, so a VM started, stopped or removed with
 * `virsh` behind Paddock's back shows its real state. Domains Paddock does not know become
 * unmanaged VMs that can be adopted.
 */
export class VmReconciler {
  readonly #queues = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly vms: VmsService,
    private readonly logger: Logger,
    private readonly agents: AgentCaller,
  ) {}

  /** Applies one lifecycle event; events of one domain apply one at a time, in arrival order. */
  onEvent(nodeId: string, event: DomainEvent): Promise<void> {
    return this.#serial(event.uuid, () => this.#applyEvent(nodeId, event));
  }

  async #applyEvent(nodeId: string, event: DomainEvent): Promise<void> {
    let vm = await repo.findVmByUuid(this.db, event.uuid);
    if (!vm) {
      if (event.event !== 'defined' && event.event !== 'started') return;
      await this.#addUnmanaged(nodeId, event.uuid, event.name, event.state ?? 'shutoff');
      vm = await repo.findVmByUuid(this.db, event.uuid);
      if (!vm) return;
    }
    if (vm.node_id !== nodeId) return this.#foreign(nodeId, vm, `domain event ${event.event}`);
    if (event.event === 'undefined') {
      if (vm.status !== 'deleting') {
        await this.#forgetMissing(vm);
        await this.vms.announce(vm.id);
      }
      return;
    }
    const status = event.state ? statusOfDomainState(event.state) : statusOfDomainEvent(event.event);
    if (!status || BUSY.has(vm.status) || status === vm.status) return;
    this.vms.announceRow(vm.id, await repo.updateVm(this.db, vm.id, { status }));
  }

  // An agent speaks for its own node only: a uuid of a VM placed elsewhere (a forged report, or a
  // copy of a domain defined on two hosts) changes nothing. A migration moves node_id in its task.
  #foreign(nodeId: string, vm: { id: string; node_id: string | null }, what: string): void {
    this.logger.warn(
      { nodeId, vmId: vm.id, vmNodeId: vm.node_id },
      `${what} ignored: the VM is not on this node`,
    );
  }

  async onInventory(
    nodeId: string,
    domains: Array<{ uuid: string; name: string; state: DomainState }>,
  ): Promise<void> {
    const seen = new Set<string>();
    for (const domain of domains) {
      seen.add(domain.uuid);
      const vm = await repo.findVmByUuid(this.db, domain.uuid);
      if (!vm) {
        await this.adoptCandidate(nodeId, domain.uuid, domain.name, domain.state);
        continue;
      }
      if (vm.node_id !== nodeId) {
        this.#foreign(nodeId, vm, 'inventory entry');
        continue;
      }
      const status = statusOfDomainState(domain.state);
      if (!BUSY.has(vm.status) && status !== vm.status) {
        this.vms.announceRow(vm.id, await repo.updateVm(this.db, vm.id, { status }));
      }
    }
    // VMs this node should have but does not: removed behind our back.
    for (const vm of await repo.vmsOnNode(this.db, nodeId)) {
      if (seen.has(vm.uuid) || BUSY.has(vm.status) || (vm.managed && vm.status === 'error')) continue;
      await this.#forgetMissing(vm);
      if (vm.managed) this.logger.warn({ vmId: vm.id, nodeId }, 'VM missing from its node');
      await this.vms.announce(vm.id);
    }
  }

  // A domain gone from its node: an unmanaged VM was only ever a mirror of it and goes too; a
  // managed one stays, in error, so the operator sees what was lost.
  async #forgetMissing(vm: { id: string; managed: boolean; meta: unknown }): Promise<void> {
    if (!vm.managed) return repo.deleteVm(this.db, vm.id);
    await repo.updateVm(this.db, vm.id, {
      status: 'error',
      meta: JSON.stringify({ ...(vm.meta as object), missingSince: new Date().toISOString() }),
    });
  }

  private adoptCandidate(nodeId: string, uuid: string, name: string, state: DomainState): Promise<void> {
    return this.#serial(uuid, () => this.#addUnmanaged(nodeId, uuid, name, state));
  }

  // A domain's 'defined' and 'started' events (and an inventory) can arrive together: handled one
  // at a time per domain, so the second neither collides with the first's insert nor is lost.
  #serial(uuid: string, work: () => Promise<void>): Promise<void> {
    const next = (this.#queues.get(uuid) ?? Promise.resolve()).then(work);
    const settled = next.catch(() => {});
    this.#queues.set(uuid, settled);
    void settled.then(() => {
      if (this.#queues.get(uuid) === settled) this.#queues.delete(uuid);
    });
    return next;
  }

  async #addUnmanaged(nodeId: string, uuid: string, name: string, state: DomainState): Promise<void> {
    if (await repo.findVmByUuid(this.db, uuid)) return;
    // Its real size, so placement counts what it holds; 0 only if the node cannot say.
    const info = await this.agents.call(nodeId, 'domain.info', { uuid }).catch(() => undefined);
    const taken = await repo.findVmByName(this.db, name);
    await repo.insertVm(this.db, {
      id: crypto.randomUUID(),
      uuid,
      name: taken ? `${name}-${uuid.slice(0, 8)}` : name,
      description: 'found on the node; not created by Paddock',
      node_id: nodeId,
      status: statusOfDomainState(state),
      vcpu: Math.max(1, info?.vcpus ?? 1),
      memory_mb: Math.max(1, Math.round((info?.memoryBytes ?? 0) / 1024 ** 2)),
      disk_ids: '[]',
      network_interfaces: '[]',
      tags: '[]',
      managed: false,
      meta: '{}',
      created_by: null,
      updated_at: new Date(),
    });
  }
}
