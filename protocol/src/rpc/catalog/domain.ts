import { type Static, Type } from '@sinclair/typebox';
import { request } from '../method.ts';
import { Bytes, DomainRef, DomainState, DomainStateResult, EpochMs, ObjectName, Uuid } from './common.ts';

/** One domain as listed. */
export const DomainSummary = Type.Object({
  uuid: Uuid,
  name: ObjectName,
  state: DomainState,
  vcpus: Type.Integer({ minimum: 0 }),
  memoryBytes: Bytes,
  persistent: Type.Boolean(),
  autostart: Type.Boolean(),
});
/** One domain as listed. */
export type DomainSummary = Static<typeof DomainSummary>;

/** `domain.info` result (virDomainGetInfo plus identity). */
export const DomainInfo = Type.Composite([
  DomainSummary,
  Type.Object({ maxMemoryBytes: Bytes, cpuTimeNs: Type.Integer({ minimum: 0 }) }),
]);

/** Cumulative counters of one domain at `time` (the appliance derives rates). */
export const DomainStats = Type.Object({
  uuid: Uuid,
  time: EpochMs,
  state: DomainState,
  cpuTimeNs: Type.Integer({ minimum: 0 }),
  vcpus: Type.Integer({ minimum: 0 }),
  memoryBytes: Bytes,
  memoryUsedBytes: Type.Optional(Bytes),
  blockRdBytes: Bytes,
  blockWrBytes: Bytes,
  netRxBytes: Bytes,
  netTxBytes: Bytes,
});

const PowerResult = DomainStateResult;

/** Domain definition, power control and inspection (appliance → agent). */
export const domainMethods = {
  'domain.list': request({
    from: 'appliance',
    params: Type.Object({}),
    result: Type.Object({ domains: Type.Array(DomainSummary) }),
    summary: 'Every domain defined or running on the host.',
  }),
  'domain.define': request({
    from: 'appliance',
    params: Type.Object({ xml: Type.String({ minLength: 1 }) }),
    result: Type.Object({ uuid: Uuid, name: ObjectName }),
    summary: 'Defines (or redefines) a persistent domain from libvirt XML.',
  }),
  'domain.start': request({
    from: 'appliance',
    params: DomainRef,
    result: PowerResult,
    summary: 'Starts a defined domain (virDomainCreate).',
  }),
  'domain.shutdown': request({
    from: 'appliance',
    params: Type.Object({
      uuid: Uuid,
      mode: Type.Optional(Type.Union([Type.Literal('acpi'), Type.Literal('agent')])),
    }),
    result: PowerResult,
    summary: 'Asks the guest to power off; returns at once, the stop arrives as a domain.event.',
  }),
  'domain.destroy': request({
    from: 'appliance',
    params: DomainRef,
    result: PowerResult,
    summary: 'Pulls the plug (virDomainDestroy).',
  }),
  'domain.reboot': request({
    from: 'appliance',
    params: DomainRef,
    result: PowerResult,
    summary: 'Asks the guest to reboot.',
  }),
  'domain.suspend': request({
    from: 'appliance',
    params: DomainRef,
    result: PowerResult,
    summary: 'Pauses the vCPUs.',
  }),
  'domain.resume': request({
    from: 'appliance',
    params: DomainRef,
    result: PowerResult,
    summary: 'Resumes paused vCPUs.',
  }),
  'domain.undefine': request({
    from: 'appliance',
    params: Type.Object({
      uuid: Uuid,
      removeSnapshotMetadata: Type.Optional(Type.Boolean()),
      removeNvram: Type.Optional(Type.Boolean()),
    }),
    result: Type.Object({ uuid: Uuid }),
    summary: 'Removes the persistent definition (disks are volumes: deleted separately).',
  }),
  'domain.xml': request({
    from: 'appliance',
    params: Type.Object({
      uuid: Uuid,
      inactive: Type.Optional(Type.Boolean()),
      migratable: Type.Optional(Type.Boolean()),
    }),
    result: Type.Object({ xml: Type.String() }),
    summary: 'The domain XML (live unless `inactive`).',
  }),
  'domain.info': request({
    from: 'appliance',
    params: DomainRef,
    result: DomainInfo,
    summary: 'State, memory, vCPUs and CPU time of one domain.',
  }),
  'domain.stats': request({
    from: 'appliance',
    params: Type.Object({ uuids: Type.Optional(Type.Array(Uuid)) }),
    result: Type.Object({ stats: Type.Array(DomainStats) }),
    summary: 'Cumulative counters of the given domains (all running ones when omitted).',
  }),
};
