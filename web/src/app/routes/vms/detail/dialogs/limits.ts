/**
 * The API's limits (protocol/src/api/vms.ts and snapshots.ts), so forms refuse what the appliance
 * would refuse before anything is sent.
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const VM_NAME_MAX = 63;
export const SNAPSHOT_NAME_MAX = 64;
export const DESCRIPTION_MAX = 1000;
export const SNAPSHOT_DESCRIPTION_MAX = 500;
export const TAG_MAX = 64;
export const TAGS_MAX = 32;
export const VCPU = { min: 1, max: 256 } as const;
export const MEMORY_MB = { min: 16, max: 4 * 1024 * 1024 } as const;
