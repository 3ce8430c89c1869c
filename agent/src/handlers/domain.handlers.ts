import type { AgentHandlers, PaddockResult } from '@paddock/protocol';
import {
  type Connection,
  type DomainStats as BindingStats,
  type DomainSummary as BindingSummary,
  DomainXMLFlags,
  ListDomainsFlags,
  RebootFlags,
  ShutdownFlags,
  StatsTypes,
  UndefineFlags,
} from '../libvirt/index.ts';

type DomainHandlers = Pick<
  AgentHandlers,
  | 'domain.list'
  | 'domain.define'
  | 'domain.start'
  | 'domain.shutdown'
  | 'domain.destroy'
  | 'domain.reboot'
  | 'domain.suspend'
  | 'domain.resume'
  | 'domain.undefine'
  | 'domain.xml'
  | 'domain.info'
  | 'domain.stats'
>;

/** The stats groups the catalog's DomainStats needs (vcpu for the current count). */
export const DOMAIN_STATS_TYPES =
  StatsTypes.STATE |
  StatsTypes.CPU_TOTAL |
  StatsTypes.BALLOON |
  StatsTypes.VCPU |
  StatsTypes.INTERFACE |
  StatsTypes.BLOCK;

function summaryOf(d: BindingSummary, autostart: boolean): PaddockResult<'domain.list'>['domains'][number] {
  return {
    uuid: d.uuid,
    name: d.name,
    state: d.state,
    vcpus: d.nrVirtCpu,
    memoryBytes: d.memoryKiB * 1024,
    persistent: d.persistent,
    autostart,
  };
}

/** Maps the binding's stats record onto the catalog's DomainStats. */
export function statsOf(s: BindingStats, time: number): PaddockResult<'domain.stats'>['stats'][number] {
  const raw = s.raw;
  const num = (key: string) => (typeof raw[key] === 'number' ? (raw[key] as number) : undefined);
  const available = num('balloon.available');
  const unused = num('balloon.unused');
  const stats: PaddockResult<'domain.stats'>['stats'][number] = {
    uuid: s.uuid,
    time,
    state: s.state,
    cpuTimeNs: Math.max(0, s.cpuTimeNs),
    vcpus: num('vcpu.current') ?? 0,
    memoryBytes: (s.balloonCurrentKiB ?? num('balloon.maximum') ?? 0) * 1024,
    blockRdBytes: s.blockReadBytes,
    blockWrBytes: s.blockWriteBytes,
    netRxBytes: s.netRxBytes,
    netTxBytes: s.netTxBytes,
  };
  // Only a guest balloon driver reports these; without them "used" is unknown, not zero.
  if (available !== undefined && unused !== undefined)
    stats.memoryUsedBytes = Math.max(0, available - unused) * 1024;
  return stats;
}

/** Domain definition, power control and inspection, each one binding call (or a few). */
export function domainHandlers(conn: () => Connection): DomainHandlers {
  const stateOf = async (uuid: string) => ({ uuid, state: (await conn().domain(uuid).getInfo()).state });
  return {
    'domain.list': async () => {
      const [all, autostart] = await Promise.all([
        conn().listAllDomains(0),
        conn().listAllDomains(ListDomainsFlags.AUTOSTART),
      ]);
      const auto = new Set(autostart.map((d) => d.uuid));
      return { domains: all.map((d) => summaryOf(d, auto.has(d.uuid))) };
    },
    'domain.define': async ({ xml }) => {
      const dom = await conn().defineDomainXML(xml);
      return { uuid: dom.uuid, name: dom.name };
    },
    'domain.start': async ({ uuid }) => {
      await conn().domain(uuid).create();
      return stateOf(uuid);
    },
    'domain.shutdown': async ({ uuid, mode }) => {
      const flags =
        mode === 'acpi' ? ShutdownFlags.ACPI_POWER_BTN : mode === 'agent' ? ShutdownFlags.GUEST_AGENT : 0;
      await conn().domain(uuid).shutdown(flags);
      return stateOf(uuid);
    },
    'domain.destroy': async ({ uuid }) => {
      await conn().domain(uuid).destroy();
      return stateOf(uuid);
    },
    'domain.reboot': async ({ uuid }) => {
      await conn().domain(uuid).reboot(RebootFlags.DEFAULT);
      return stateOf(uuid);
    },
    'domain.suspend': async ({ uuid }) => {
      await conn().domain(uuid).suspend();
      return stateOf(uuid);
    },
    'domain.resume': async ({ uuid }) => {
      await conn().domain(uuid).resume();
      return stateOf(uuid);
    },
    'domain.undefine': async ({ uuid, removeSnapshotMetadata, removeNvram }) => {
      const flags =
        (removeSnapshotMetadata ? UndefineFlags.SNAPSHOTS_METADATA : 0) |
        (removeNvram ? UndefineFlags.NVRAM : 0);
      await conn().domain(uuid).undefine(flags);
      return { uuid };
    },
    'domain.xml': async ({ uuid, inactive, migratable }) => {
      // Not SECURE: the XML leaves the host, so graphics passwords stay out of it.
      const flags = (inactive ? DomainXMLFlags.INACTIVE : 0) | (migratable ? DomainXMLFlags.MIGRATABLE : 0);
      return { xml: await conn().domain(uuid).getXMLDesc(flags) };
    },
    'domain.info': async ({ uuid }) => {
      const dom = conn().domain(uuid);
      const [summary, autostart] = await Promise.all([dom.summary(), dom.getAutostart()]);
      return {
        ...summaryOf(summary, autostart),
        maxMemoryBytes: summary.maxMemKiB * 1024,
        cpuTimeNs: Math.max(0, summary.cpuTimeNs),
      };
    },
    'domain.stats': async ({ uuids }) => {
      const time = Date.now();
      const raw =
        uuids === undefined
          ? await conn().getAllDomainStats(DOMAIN_STATS_TYPES, ListDomainsFlags.ACTIVE)
          : await Promise.all(uuids.map((uuid) => conn().domain(uuid).getStats(DOMAIN_STATS_TYPES)));
      return { stats: raw.map((s) => statsOf(s, time)) };
    },
  };
}
