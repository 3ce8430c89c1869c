/**
 * libvirt's enums and flags, named as in the C headers without the VIR_ prefix and group name.
 * Pure data: safe to import on the main thread.
 */

/** virDomainState. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainState */
export const DomainState = {
  NOSTATE: 0,
  RUNNING: 1,
  BLOCKED: 2,
  PAUSED: 3,
  SHUTDOWN: 4,
  SHUTOFF: 5,
  CRASHED: 6,
  PMSUSPENDED: 7,
} as const;

// virDomainState's words, indexed by its number.
const STATE_NAMES = [
  'nostate',
  'running',
  'blocked',
  'paused',
  'shutdown',
  'shutoff',
  'crashed',
  'pmsuspended',
] as const;

/** A domain state as a word. */
export type DomainStateName = (typeof STATE_NAMES)[number];

/** Whether `word` is one of libvirt's domain state words (as in snapshot XML's `<state>`). */
export function isDomainStateName(word: string): word is DomainStateName {
  return (STATE_NAMES as readonly string[]).includes(word);
}

/** The word for a virDomainState number ('nostate' for numbers this binding does not know). */
export function domainStateName(state: number): DomainStateName {
  return STATE_NAMES[state] ?? 'nostate';
}

/** virConnectListAllDomainsFlags. https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectListAllDomainsFlags */
export const ListDomainsFlags = {
  ACTIVE: 1,
  INACTIVE: 2,
  PERSISTENT: 4,
  TRANSIENT: 8,
  RUNNING: 16,
  PAUSED: 32,
  SHUTOFF: 64,
  OTHER: 128,
  MANAGEDSAVE: 256,
  NO_MANAGEDSAVE: 512,
  AUTOSTART: 1024,
  NO_AUTOSTART: 2048,
  HAS_SNAPSHOT: 4096,
  NO_SNAPSHOT: 8192,
} as const;

/** virDomainUndefineFlagsValues. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainUndefineFlagsValues */
export const UndefineFlags = {
  MANAGED_SAVE: 1,
  SNAPSHOTS_METADATA: 2,
  NVRAM: 4,
  KEEP_NVRAM: 8,
  CHECKPOINTS_METADATA: 16,
  TPM: 32,
  KEEP_TPM: 64,
} as const;

/** virDomainCreateFlags. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainCreateFlags */
export const CreateFlags = { NONE: 0, START_PAUSED: 1, START_AUTODESTROY: 2, START_BYPASS_CACHE: 4 } as const;

/** virDomainShutdownFlagValues. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainShutdownFlagValues */
export const ShutdownFlags = {
  DEFAULT: 0,
  ACPI_POWER_BTN: 1,
  GUEST_AGENT: 2,
  INITCTL: 4,
  SIGNAL: 8,
  PARAVIRT: 16,
} as const;

/** virDomainRebootFlagValues. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainRebootFlagValues */
export const RebootFlags = {
  DEFAULT: 0,
  ACPI_POWER_BTN: 1,
  GUEST_AGENT: 2,
  INITCTL: 4,
  SIGNAL: 8,
  PARAVIRT: 16,
} as const;

/** virDomainDestroyFlagsValues. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainDestroyFlagsValues */
export const DestroyFlags = { DEFAULT: 0, GRACEFUL: 1, REMOVE_LOGS: 2 } as const;

/** virDomainXMLFlags. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainXMLFlags */
export const DomainXMLFlags = { SECURE: 1, INACTIVE: 2, UPDATE_CPU: 4, MIGRATABLE: 8 } as const;

/** virDomainDefineFlags. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainDefineFlags */
export const DefineFlags = { VALIDATE: 1 } as const;

/** virDomainStatsTypes. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainStatsTypes */
export const StatsTypes = {
  STATE: 1,
  CPU_TOTAL: 2,
  BALLOON: 4,
  VCPU: 8,
  INTERFACE: 16,
  BLOCK: 32,
  PERF: 64,
  IOTHREAD: 128,
  MEMORY: 256,
  DIRTYRATE: 512,
} as const;

/** virConnectGetAllDomainStatsFlags (beyond the ListDomainsFlags filters it accepts). */
export const GetAllDomainStatsFlags = { NOWAIT: 1 << 29, BACKING: 1 << 30, ENFORCE_STATS: 2 ** 31 } as const;

/** virDomainEventID. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainEventID */
export const DomainEventId = { LIFECYCLE: 0, REBOOT: 1 } as const;

/** virDomainEventType. https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainEventType */
export const DomainEventType = {
  DEFINED: 0,
  UNDEFINED: 1,
  STARTED: 2,
  SUSPENDED: 3,
  RESUMED: 4,
  STOPPED: 5,
  SHUTDOWN: 6,
  PMSUSPENDED: 7,
  CRASHED: 8,
} as const;

// virDomainEventType's words, indexed by its number.
const EVENT_NAMES = [
  'defined',
  'undefined',
  'started',
  'suspended',
  'resumed',
  'stopped',
  'shutdown',
  'pmsuspended',
  'crashed',
] as const;

/** A lifecycle event as a word, plus 'reboot' for the REBOOT event. */
export type DomainEventName = (typeof EVENT_NAMES)[number] | 'reboot';

// virDomainEvent*DetailType, indexed by event type then detail number.
const DETAIL_NAMES: readonly (readonly string[])[] = [
  ['added', 'updated', 'renamed', 'from_snapshot'],
  ['removed', 'renamed'],
  ['booted', 'migrated', 'restored', 'from_snapshot', 'wakeup'],
  [
    'paused',
    'migrated',
    'ioerror',
    'watchdog',
    'restored',
    'from_snapshot',
    'api_error',
    'postcopy',
    'postcopy_failed',
  ],
  ['unpaused', 'migrated', 'from_snapshot', 'postcopy', 'postcopy_failed'],
  ['shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from_snapshot'],
  ['finished', 'guest', 'host'],
  ['memory', 'disk'],
  ['panicked', 'crashloaded'],
];

/** The word for a virDomainEventType number. */
export function domainEventName(event: number): DomainEventName | 'unknown' {
  return EVENT_NAMES[event] ?? 'unknown';
}

/** The word for an event's detail number (e.g. stopped/1 → 'destroyed'). */
export function domainEventDetailName(event: number, detail: number): string {
  return DETAIL_NAMES[event]?.[detail] ?? 'unknown';
}

/** virDomainSnapshotCreateFlags. https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotCreateFlags */
export const SnapshotCreateFlags = {
  REDEFINE: 1,
  CURRENT: 2,
  NO_METADATA: 4,
  HALT: 8,
  DISK_ONLY: 16,
  REUSE_EXT: 32,
  QUIESCE: 64,
  ATOMIC: 128,
  LIVE: 256,
  VALIDATE: 512,
} as const;

/** virDomainSnapshotListFlags. https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotListFlags */
export const SnapshotListFlags = {
  ROOTS: 1,
  DESCENDANTS: 1,
  METADATA: 2,
  LEAVES: 4,
  NO_LEAVES: 8,
  NO_METADATA: 16,
  INACTIVE: 32,
  ACTIVE: 64,
  DISK_ONLY: 128,
  INTERNAL: 256,
  EXTERNAL: 512,
  TOPOLOGICAL: 1024,
} as const;

/** virDomainSnapshotRevertFlags. https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotRevertFlags */
export const SnapshotRevertFlags = { RUNNING: 1, PAUSED: 2, FORCE: 4, RESET_NVRAM: 8 } as const;

/** virDomainSnapshotDeleteFlags. https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotDeleteFlags */
export const SnapshotDeleteFlags = { CHILDREN: 1, METADATA_ONLY: 2, CHILDREN_ONLY: 4 } as const;

/** virStoragePoolState. https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolState */
export const StoragePoolState = {
  INACTIVE: 0,
  BUILDING: 1,
  RUNNING: 2,
  DEGRADED: 3,
  INACCESSIBLE: 4,
} as const;

// virStoragePoolState's words, indexed by its number.
const POOL_STATE_NAMES = ['inactive', 'building', 'running', 'degraded', 'inaccessible'] as const;

/** A pool state as a word ('unknown' for numbers this binding does not know). */
export type StoragePoolStateName = (typeof POOL_STATE_NAMES)[number] | 'unknown';

/** The word for a virStoragePoolState number. */
export function storagePoolStateName(state: number): StoragePoolStateName {
  return POOL_STATE_NAMES[state] ?? 'unknown';
}

/** virConnectListAllStoragePoolsFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virConnectListAllStoragePoolsFlags */
export const ListStoragePoolsFlags = {
  INACTIVE: 1,
  ACTIVE: 2,
  PERSISTENT: 4,
  TRANSIENT: 8,
  AUTOSTART: 16,
  NO_AUTOSTART: 32,
  DIR: 64,
  FS: 128,
  NETFS: 256,
  LOGICAL: 512,
  DISK: 1024,
  ISCSI: 2048,
  SCSI: 4096,
  MPATH: 8192,
  RBD: 16384,
} as const;

/** virStoragePoolBuildFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolBuildFlags */
export const StoragePoolBuildFlags = { NEW: 0, REPAIR: 1, RESIZE: 2, NO_OVERWRITE: 4, OVERWRITE: 8 } as const;

/** virStoragePoolDeleteFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virStoragePoolDeleteFlags */
export const StoragePoolDeleteFlags = { NORMAL: 0, ZEROED: 1 } as const;

/** virStorageVolType. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolType */
export const StorageVolType = { FILE: 0, BLOCK: 1, DIR: 2, NETWORK: 3, NETDIR: 4, PLOOP: 5 } as const;

/** The word for a virStorageVolType number. */
export function storageVolTypeName(type: number): string {
  return ['file', 'block', 'dir', 'network', 'netdir', 'ploop'][type] ?? 'unknown';
}

/** virStorageVolCreateFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolCreateFlags */
export const StorageVolCreateFlags = { PREALLOC_METADATA: 1, REFLINK: 2, VALIDATE: 4 } as const;

/** virStorageVolDeleteFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolDeleteFlags */
export const StorageVolDeleteFlags = { NORMAL: 0, ZEROED: 1, WITH_SNAPSHOTS: 2 } as const;

/** virStorageVolResizeFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolResizeFlags */
export const StorageVolResizeFlags = { ALLOCATE: 1, DELTA: 2, SHRINK: 4 } as const;

/** virStorageVolUploadFlags / virStorageVolDownloadFlags. https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolUploadFlags */
export const StorageVolStreamFlags = { SPARSE_STREAM: 1 } as const;
