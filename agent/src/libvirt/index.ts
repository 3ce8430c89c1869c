/** The agent's libvirt binding: async, off the main thread, plain data out. */
export { Connection, DEFAULT_URI, type OpenOptions } from './connection.ts';
export * from './constants.ts';
export { Domain } from './domain.ts';
export { DomainSnapshot } from './domain-snapshot.ts';
export { ErrorCode, ErrorDomain, isLibvirtError, LibvirtError, type LibvirtErrorData } from './errors.ts';
export { DomainEvents } from './events.ts';
export { Libvirt } from './libvirt.ts';
export { StoragePool } from './storage-pool.ts';
export { StorageVolume } from './storage-volume.ts';
export { DOWNLOAD_CHUNK, type TransferRange } from './stream.ts';
export type * from './types.ts';
