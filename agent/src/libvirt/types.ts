/** Plain, JSON-able results of libvirt calls, as the main thread receives them. */
import type { DomainEventName, DomainStateName, StoragePoolStateName } from './constants.ts';

/** virNodeInfo. Memory in KiB. */
export interface NodeInfo {
  model: string;
  memoryKiB: number;
  cpus: number;
  mhz: number;
  nodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

/** A version split from libvirt's major*1e6+minor*1e3+release encoding. */
export interface Version {
  major: number;
  minor: number;
  release: number;
  text: string;
}

/** Everything about the host a heartbeat or registration needs. */
export interface HostInfo {
  uri: string;
  hostname: string;
  hypervisorType: string;
  libvirtVersion: Version;
  hypervisorVersion: Version;
  node: NodeInfo;
  freeMemoryBytes: number;
}

/** A domain's identity; `uuid` is its handle everywhere in the binding. */
export interface DomainRef {
  uuid: string;
  name: string;
}

/** virDomainInfo. Memory in KiB, cpu time in nanoseconds. */
export interface DomainInfo {
  state: DomainStateName;
  stateCode: number;
  maxMemKiB: number;
  memoryKiB: number;
  nrVirtCpu: number;
  cpuTimeNs: number;
}

/** A domain as listed: identity, run state and persistence. */
export interface DomainSummary extends DomainRef, DomainInfo {
  id: number | null;
  active: boolean;
  persistent: boolean;
}

/** One domain's statistics: the raw typed parameters and the figures a metrics exporter needs. */
export interface DomainStats extends DomainRef {
  state: DomainStateName;
  cpuTimeNs: number;
  balloonCurrentKiB: number | null;
  blockReadBytes: number;
  blockWriteBytes: number;
  netRxBytes: number;
  netTxBytes: number;
  raw: Record<string, number | string | boolean>;
}

/** A snapshot's identity and whether it is the domain's current one. */
export interface SnapshotInfo {
  domainUuid: string;
  name: string;
  current: boolean;
}

/** virStoragePoolInfo plus identity. Sizes in bytes. */
export interface StoragePoolInfo {
  uuid: string;
  name: string;
  state: StoragePoolStateName;
  stateCode: number;
  active: boolean;
  persistent: boolean;
  autostart: boolean;
  capacity: number;
  allocation: number;
  available: number;
}

/** virStorageVolInfo plus identity; `key` is the volume's handle. Sizes in bytes. */
export interface StorageVolumeInfo {
  key: string;
  name: string;
  path: string;
  pool: string;
  type: string;
  capacity: number;
  allocation: number;
}

/** A domain lifecycle (or reboot) event as delivered to the main thread. */
export interface DomainEvent {
  uuid: string;
  name: string;
  event: DomainEventName | 'unknown';
  detail: string;
  eventCode: number;
  detailCode: number;
  at: number;
}
