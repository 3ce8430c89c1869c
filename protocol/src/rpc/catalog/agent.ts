import { type Static, Type } from '@sinclair/typebox';
import { notification, request } from '../method.ts';
import { Bytes, DomainState, EpochMs, ObjectName, Uuid } from './common.ts';

/** What a hypervisor host can do, probed by the agent. */
export const HostCapabilities = Type.Object({
  kvm: Type.Boolean({ description: '/dev/kvm usable; false means TCG only' }),
  archs: Type.Array(Type.String(), { description: 'guest architectures, e.g. x86_64' }),
  machines: Type.Optional(Type.Array(Type.String())),
  nestedVirt: Type.Optional(Type.Boolean()),
  storageBackends: Type.Optional(Type.Array(Type.String(), { description: 'libvirt pool types available' })),
  networkBackends: Type.Optional(Type.Array(Type.String(), { description: 'bridge, ovs, vxlan…' })),
});

/** Static facts about a host: sent on register, answered by `host.info`. */
export const HostFacts = Type.Object({
  hostname: Type.String({ minLength: 1 }),
  ips: Type.Array(Type.String()),
  cpuModel: Type.String(),
  cpuCount: Type.Integer({ minimum: 1 }),
  memoryBytes: Bytes,
  diskTotalBytes: Bytes,
  diskUsedBytes: Bytes,
  libvirtVersion: Type.String(),
  qemuVersion: Type.String(),
  virtType: Type.Union([Type.Literal('kvm'), Type.Literal('qemu')]),
  capabilities: HostCapabilities,
  poolRoots: Type.Optional(
    Type.Array(Type.String(), { description: 'directories under which the agent lets pools live' }),
  ),
});
/** Static facts about a host. */
export type HostFacts = Static<typeof HostFacts>;

/** `agent.register` params: the host's facts plus the agent's version. */
export const AgentRegisterParams = Type.Composite([HostFacts, Type.Object({ agentVersion: Type.String() })]);
/** `agent.register` result: who the agent is now, and how often to report. */
export const AgentRegisterResult = Type.Object({
  nodeId: Type.String({ minLength: 1 }),
  heartbeatIntervalMs: Type.Integer({ minimum: 1 }),
});

/** `node.heartbeat` params: a host's live figures. */
export const NodeHeartbeat = Type.Object({
  time: EpochMs,
  cpuUsedPct: Type.Number({ minimum: 0, maximum: 100 }),
  memUsedBytes: Bytes,
  memTotalBytes: Bytes,
  diskUsedBytes: Bytes,
  diskTotalBytes: Bytes,
  // Bounds far above any real host, so a broken or hostile agent cannot put absurd figures on charts.
  load1: Type.Number({ minimum: 0, maximum: 1e6 }),
  netRxBytes: Bytes,
  netTxBytes: Bytes,
  vmsRunning: Type.Integer({ minimum: 0, maximum: 1e6 }),
});
/** A host's live figures. */
export type NodeHeartbeat = Static<typeof NodeHeartbeat>;

/** libvirt's domain lifecycle event types (virDomainEventType, lower-cased). */
export const DomainEventType = Type.Union([
  Type.Literal('defined'),
  Type.Literal('undefined'),
  Type.Literal('started'),
  Type.Literal('suspended'),
  Type.Literal('resumed'),
  Type.Literal('stopped'),
  Type.Literal('shutdown'),
  Type.Literal('pmsuspended'),
  Type.Literal('crashed'),
]);

/** `domain.event` params: one lifecycle event as libvirt delivered it. */
export const DomainEvent = Type.Object({
  uuid: Uuid,
  name: ObjectName,
  event: DomainEventType,
  detail: Type.String({ description: 'libvirt detail, e.g. booted, destroyed, migrated' }),
  state: Type.Optional(DomainState),
  time: Type.Optional(EpochMs),
});
/** One domain lifecycle event. */
export type DomainEvent = Static<typeof DomainEvent>;

/** `domain.inventory` params: every domain on the host, so the appliance can reconcile after gaps. */
export const DomainInventory = Type.Object({
  time: EpochMs,
  domains: Type.Array(Type.Object({ uuid: Uuid, name: ObjectName, state: DomainState })),
});

/** Agent lifecycle and host reporting. */
export const agentMethods = {
  'agent.register': request({
    from: 'agent',
    params: AgentRegisterParams,
    result: AgentRegisterResult,
    summary: 'First request after connecting: host facts in, node id and heartbeat interval out.',
  }),
  'node.heartbeat': notification({
    from: 'agent',
    params: NodeHeartbeat,
    summary: 'Live host figures every heartbeat interval; 3 missed intervals mark the node offline.',
  }),
  'domain.event': notification({
    from: 'agent',
    params: DomainEvent,
    summary: 'A libvirt domain lifecycle event, pushed as it happens.',
  }),
  'domain.inventory': notification({
    from: 'agent',
    params: DomainInventory,
    summary: 'The full domain list, after register and after any event gap.',
  }),
  ping: request({
    from: 'either',
    params: Type.Object({ nonce: Type.Optional(Type.String()) }),
    result: Type.Object({ time: EpochMs, nonce: Type.Optional(Type.String()) }),
    summary: 'Liveness and latency probe, either way.',
  }),
  'host.info': request({
    from: 'appliance',
    params: Type.Object({}),
    result: Type.Composite([HostFacts, Type.Object({ agentVersion: Type.String() })]),
    summary: 'Re-reads the host facts sent at register time.',
  }),
};
