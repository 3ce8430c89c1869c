/** A storage volume, handled by its key. https://libvirt.org/html/libvirt-libvirt-storage.html */
import { downloadVolume, type TransferRange, uploadVolume } from './stream.ts';
import type { StorageVolumeInfo } from './types.ts';
import type { WorkerPool } from './worker-pool.ts';

/** Handle on one volume. */
export class StorageVolume {
  constructor(
    private readonly pool: WorkerPool,
    readonly key: string,
    readonly name: string,
    readonly path: string,
  ) {}

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolGetInfo */
  getInfo(): Promise<StorageVolumeInfo> {
    return this.pool.call('volume.lookupByKey', this.key);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolGetPath */
  getPath(): Promise<string> {
    return this.pool.call('volume.getPath', this.key);
  }

  /** https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolGetXMLDesc */
  getXMLDesc(): Promise<string> {
    return this.pool.call('volume.getXMLDesc', this.key);
  }

  /** Flags: StorageVolDeleteFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolDelete */
  async delete(flags = 0): Promise<void> {
    await this.pool.call('volume.delete', this.key, flags);
  }

  /** Capacity in bytes; flags: StorageVolResizeFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolResize */
  async resize(capacity: number, flags = 0): Promise<void> {
    await this.pool.call('volume.resize', this.key, capacity, flags);
  }

  /** Writes the chunks into the volume; resolves with the byte count. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolUpload */
  upload(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    range: TransferRange = {},
  ): Promise<number> {
    return uploadVolume(this.pool, this.key, source, range);
  }

  /** Reads the volume as chunks. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolDownload */
  download(range: TransferRange = {}, chunkSize?: number): AsyncGenerator<Uint8Array, void, undefined> {
    return downloadVolume(this.pool, this.key, range, chunkSize);
  }

  /** The plain form. */
  toJSON(): { key: string; name: string; path: string } {
    return { key: this.key, name: this.name, path: this.path };
  }
}
