/** A domain snapshot, handled by (domain UUID, snapshot name). https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html */
import type { SnapshotInfo } from './types.ts';
import type { WorkerPool } from './worker-pool.ts';

/** Handle on one snapshot of one domain. */
export class DomainSnapshot {
  constructor(
    private readonly pool: WorkerPool,
    readonly domainUuid: string,
    readonly name: string,
  ) {}

  /** Re-reads the snapshot (is it current?). https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotLookupByName */
  info(): Promise<SnapshotInfo> {
    return this.pool.call('snapshot.lookupByName', this.domainUuid, this.name);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainRevertToSnapshot */
  async revert(flags = 0): Promise<void> {
    await this.pool.call('snapshot.revert', this.domainUuid, this.name, flags);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotDelete */
  async delete(flags = 0): Promise<void> {
    await this.pool.call('snapshot.delete', this.domainUuid, this.name, flags);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotGetXMLDesc */
  getXMLDesc(flags = 0): Promise<string> {
    return this.pool.call('snapshot.getXMLDesc', this.domainUuid, this.name, flags);
  }

  /** The plain form. */
  toJSON(): { domainUuid: string; name: string } {
    return { domainUuid: this.domainUuid, name: this.name };
  }
}
