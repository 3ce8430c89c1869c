/** A storage pool, handled by UUID. https://libvirt.org/html/libvirt-libvirt-storage.html */
import { StorageVolume } from './storage-volume.ts';
import type { StoragePoolInfo, StorageVolumeInfo } from './types.ts';
import type { WorkerPool } from './worker-pool.ts';

/** Handle on one storage pool. */
export class StoragePool {
  constructor(
    private readonly pool: WorkerPool,
    readonly uuid: string,
    readonly name: string,
  ) {}

  /** Flags: StoragePoolBuildFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolBuild */
  async build(flags = 0): Promise<void> {
    await this.pool.call('pool.build', this.uuid, flags);
  }

  /** Starts the pool. https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolCreate */
  async create(flags = 0): Promise<void> {
    await this.pool.call('pool.create', this.uuid, flags);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolRefresh */
  async refresh(): Promise<void> {
    await this.pool.call('pool.refresh', this.uuid);
  }

  /** Stops the pool. https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolDestroy */
  async destroy(): Promise<void> {
    await this.pool.call('pool.destroy', this.uuid);
  }

  /** Deletes the underlying storage. https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolDelete */
  async delete(flags = 0): Promise<void> {
    await this.pool.call('pool.delete', this.uuid, flags);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolUndefine */
  async undefine(): Promise<void> {
    await this.pool.call('pool.undefine', this.uuid);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolGetInfo */
  getInfo(): Promise<StoragePoolInfo> {
    return this.pool.call('pool.getInfo', this.uuid);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolGetXMLDesc */
  getXMLDesc(flags = 0): Promise<string> {
    return this.pool.call('pool.getXMLDesc', this.uuid, flags);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolSetAutostart */
  async setAutostart(on: boolean): Promise<void> {
    await this.pool.call('pool.setAutostart', this.uuid, on);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolListAllVolumes */
  listAllVolumes(): Promise<StorageVolumeInfo[]> {
    return this.pool.call('pool.listVolumes', this.uuid);
  }

  /** Flags: StorageVolCreateFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolCreateXML */
  async createVolumeXML(xml: string, flags = 0): Promise<StorageVolume> {
    return this.handle(await this.pool.call('volume.createXML', this.uuid, xml, flags));
  }

  /** Clones `source` into a new volume of this pool. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolCreateXMLFrom */
  async createVolumeXMLFrom(xml: string, source: StorageVolume, flags = 0): Promise<StorageVolume> {
    return this.handle(await this.pool.call('volume.createXMLFrom', this.uuid, xml, source.key, flags));
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolLookupByName */
  async lookupVolumeByName(name: string): Promise<StorageVolume> {
    return this.handle(await this.pool.call('volume.lookupByName', this.uuid, name));
  }

  private handle(v: StorageVolumeInfo): StorageVolume {
    return new StorageVolume(this.pool, v.key, v.name, v.path);
  }

  /** The plain form. */
  toJSON(): { uuid: string; name: string } {
    return { uuid: this.uuid, name: this.name };
  }
}
