/** A connection to one libvirt URI, backed by a pool of call workers. https://libvirt.org/html/libvirt-libvirt-host.html */
import { Domain } from './domain.ts';
import { DomainEvents } from './events.ts';
import { StoragePool } from './storage-pool.ts';
import { StorageVolume } from './storage-volume.ts';
import type {
  DomainStats,
  DomainSummary,
  HostInfo,
  NodeInfo,
  StoragePoolInfo,
  StorageVolumeInfo,
} from './types.ts';
import { WorkerPool } from './worker-pool.ts';

/** Options for Libvirt.open / Connection.open. */
export interface OpenOptions {
  /** Call workers, each with its own connection (default 2: a slow call leaves one free). */
  workers?: number;
}

/** The default URI of a hypervisor host. */
export const DEFAULT_URI = 'qemu:///system';

/** An open libvirt connection. Its methods return plain data or light handles keyed by UUID/key. */
export class Connection {
  private constructor(
    private readonly pool: WorkerPool,
    readonly uri: string,
  ) {}

  /** Opens `uri` in each worker. https://libvirt.org/html/libvirt-libvirt-host.html#virConnectOpen */
  static async open(uri: string = DEFAULT_URI, options: OpenOptions = {}): Promise<Connection> {
    return new Connection(await WorkerPool.start(uri, options.workers ?? 2), uri);
  }

  /** Number of call workers. */
  get workers(): number {
    return this.pool.size;
  }

  /** Closes every worker's connection. https://libvirt.org/html/libvirt-libvirt-host.html#virConnectClose */
  close(): Promise<void> {
    return this.pool.close();
  }

  /** A no-op round trip through a worker (measures the binding's own overhead). */
  async ping(): Promise<void> {
    await this.pool.call('host.ping');
  }

  /** Hostname, libvirt and hypervisor versions, node info and free memory. https://libvirt.org/html/libvirt-libvirt-host.html#virNodeGetInfo */
  hostInfo(): Promise<HostInfo> {
    return this.pool.call('host.info');
  }

  /** https://libvirt.org/html/libvirt-libvirt-host.html#virConnectGetHostname */
  getHostname(): Promise<string> {
    return this.pool.call('host.hostname');
  }

  /** https://libvirt.org/html/libvirt-libvirt-host.html#virNodeGetInfo */
  nodeGetInfo(): Promise<NodeInfo> {
    return this.pool.call('host.nodeInfo');
  }

  /** Bytes. https://libvirt.org/html/libvirt-libvirt-host.html#virNodeGetFreeMemory */
  nodeGetFreeMemory(): Promise<number> {
    return this.pool.call('host.freeMemory');
  }

  /** https://libvirt.org/html/libvirt-libvirt-host.html#virConnectGetCapabilities */
  getCapabilities(): Promise<string> {
    return this.pool.call('host.capabilities');
  }

  /** https://libvirt.org/html/libvirt-libvirt-host.html#virConnectIsAlive */
  isAlive(): Promise<boolean> {
    return this.pool.call('host.isAlive');
  }

  /** Flags: ListDomainsFlags (0 = all). https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectListAllDomains */
  listAllDomains(flags = 0): Promise<DomainSummary[]> {
    return this.pool.call('domain.listAll', flags);
  }

  /** A handle from known identity, without a round trip. */
  domain(uuid: string, name = ''): Domain {
    return new Domain(this.pool, uuid, name);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainLookupByName */
  async lookupDomainByName(name: string): Promise<Domain> {
    const d = await this.pool.call('domain.lookupByName', name);
    return new Domain(this.pool, d.uuid, d.name);
  }

  /** https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainLookupByUUIDString */
  async lookupDomainByUUID(uuid: string): Promise<Domain> {
    const d = await this.pool.call('domain.lookupByUUID', uuid);
    return new Domain(this.pool, d.uuid, d.name);
  }

  /** Flags: DefineFlags. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainDefineXMLFlags */
  async defineDomainXML(xml: string, flags = 0): Promise<Domain> {
    const d = await this.pool.call('domain.defineXML', xml, flags);
    return new Domain(this.pool, d.uuid, d.name);
  }

  /** Stats: StatsTypes (0 = state, cpu, balloon, net, block); flags: ListDomainsFlags | GetAllDomainStatsFlags. https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectGetAllDomainStats */
  getAllDomainStats(stats = 0, flags = 0): Promise<DomainStats[]> {
    return this.pool.call('domain.getAllStats', stats, flags);
  }

  /** Flags: ListStoragePoolsFlags (0 = all). https://libvirt.org/html/libvirt-libvirt-storage.html#virConnectListAllStoragePools */
  listAllStoragePools(flags = 0): Promise<StoragePoolInfo[]> {
    return this.pool.call('pool.listAll', flags);
  }

  /** A pool handle from known identity, without a round trip. */
  storagePool(uuid: string, name = ''): StoragePool {
    return new StoragePool(this.pool, uuid, name);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolDefineXML */
  async defineStoragePoolXML(xml: string, flags = 0): Promise<StoragePool> {
    const p = await this.pool.call('pool.defineXML', xml, flags);
    return new StoragePool(this.pool, p.uuid, p.name);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolLookupByName */
  async lookupStoragePoolByName(name: string): Promise<StoragePool> {
    const p = await this.pool.call('pool.lookupByName', name);
    return new StoragePool(this.pool, p.uuid, p.name);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolLookupByUUIDString */
  async lookupStoragePoolByUUID(uuid: string): Promise<StoragePool> {
    const p = await this.pool.call('pool.lookupByUUID', uuid);
    return new StoragePool(this.pool, p.uuid, p.name);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolLookupByPath */
  async lookupStorageVolumeByPath(path: string): Promise<StorageVolume> {
    return this.volume(await this.pool.call('volume.lookupByPath', path));
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolLookupByKey */
  async lookupStorageVolumeByKey(key: string): Promise<StorageVolume> {
    return this.volume(await this.pool.call('volume.lookupByKey', key));
  }

  private volume(v: StorageVolumeInfo): StorageVolume {
    return new StorageVolume(this.pool, v.key, v.name, v.path);
  }

  /** Domain lifecycle (and reboot) events of this URI, through the process's event worker. https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectDomainEventRegisterAny */
  events(options: { maxQueued?: number } = {}): Promise<DomainEvents> {
    return DomainEvents.subscribe(this.uri, options);
  }
}
