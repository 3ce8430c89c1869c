/** A libvirt domain, handled by UUID. https://libvirt.org/html/libvirt-libvirt-domain.html */
import { DomainSnapshot } from './domain-snapshot.ts';
import type { DomainInfo, DomainRef, DomainStats, DomainSummary, SnapshotInfo } from './types.ts';
import type { WorkerPool } from './worker-pool.ts';

/** Handle on one domain; every method is one libvirt call run in a worker. */
export class Domain implements DomainRef {
  constructor(
    private readonly pool: WorkerPool,
    readonly uuid: string,
    readonly name: string,
  ) {}

  /** Identity, state and flags now. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainLookupByUUIDString */
  summary(): Promise<DomainSummary> {
    return this.pool.call('domain.lookupByUUID', this.uuid);
  }

  /** Starts a defined domain. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainCreateWithFlags */
  async create(flags = 0): Promise<void> {
    await this.pool.call('domain.create', this.uuid, flags);
  }

  /** Asks the guest to shut down. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainShutdownFlags */
  async shutdown(flags = 0): Promise<void> {
    await this.pool.call('domain.shutdown', this.uuid, flags);
  }

  /** Powers off at once. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainDestroyFlags */
  async destroy(flags = 0): Promise<void> {
    await this.pool.call('domain.destroy', this.uuid, flags);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainReboot */
  async reboot(flags = 0): Promise<void> {
    await this.pool.call('domain.reboot', this.uuid, flags);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainSuspend */
  async suspend(): Promise<void> {
    await this.pool.call('domain.suspend', this.uuid);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainResume */
  async resume(): Promise<void> {
    await this.pool.call('domain.resume', this.uuid);
  }

  /** Flags: UndefineFlags. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainUndefineFlags */
  async undefine(flags = 0): Promise<void> {
    await this.pool.call('domain.undefine', this.uuid, flags);
  }

  /** Flags: DomainXMLFlags. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetXMLDesc */
  getXMLDesc(flags = 0): Promise<string> {
    return this.pool.call('domain.getXMLDesc', this.uuid, flags);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetInfo */
  getInfo(): Promise<DomainInfo> {
    return this.pool.call('domain.getInfo', this.uuid);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetAutostart */
  getAutostart(): Promise<boolean> {
    return this.pool.call('domain.getAutostart', this.uuid);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainSetAutostart */
  async setAutostart(on: boolean): Promise<void> {
    await this.pool.call('domain.setAutostart', this.uuid, on);
  }

  /** Stats: StatsTypes (0 = state, cpu, balloon, net, block). https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainListGetStats */
  getStats(stats = 0, flags = 0): Promise<DomainStats> {
    return this.pool.call('domain.getStats', this.uuid, stats, flags);
  }

  /** Flags: SnapshotCreateFlags. https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotCreateXML */
  async snapshotCreateXML(xml: string, flags = 0): Promise<DomainSnapshot> {
    const s = await this.pool.call('snapshot.createXML', this.uuid, xml, flags);
    return new DomainSnapshot(this.pool, this.uuid, s.name);
  }

  /** Flags: SnapshotListFlags. https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainListAllSnapshots */
  listAllSnapshots(flags = 0): Promise<SnapshotInfo[]> {
    return this.pool.call('snapshot.listAll', this.uuid, flags);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotLookupByName */
  async snapshotLookupByName(name: string): Promise<DomainSnapshot> {
    const s = await this.pool.call('snapshot.lookupByName', this.uuid, name);
    return new DomainSnapshot(this.pool, this.uuid, s.name);
  }

  /** The plain form. */
  toJSON(): DomainRef {
    return { uuid: this.uuid, name: this.name };
  }
}
