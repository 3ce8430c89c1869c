import type { AgentHandlers, PaddockResult } from '@paddock/protocol';
import {
  type Connection,
  type Domain,
  type DomainStateName,
  isDomainStateName,
  SnapshotCreateFlags,
  SnapshotDeleteFlags,
} from '../libvirt/index.ts';
import { parseSnapshotXml, xmlEscape } from './xml.ts';

type SnapshotHandlers = Pick<
  AgentHandlers,
  'snapshot.create' | 'snapshot.list' | 'snapshot.revert' | 'snapshot.delete'
>;
type SnapshotInfo = PaddockResult<'snapshot.create'>;

/** A snapshot's `<state>` as a domain state; an external disk-only snapshot reads as shutoff. */
function snapshotState(state: string): DomainStateName {
  if (isDomainStateName(state)) return state;
  return state === 'disk-snapshot' ? 'shutoff' : 'nostate';
}

/** Builds the catalog's SnapshotInfo from the snapshot's XML and its "current" flag. */
export function snapshotInfoOf(xml: string, current: boolean): SnapshotInfo {
  const f = parseSnapshotXml(xml);
  const state = snapshotState(f.state);
  const info: SnapshotInfo = {
    name: f.name,
    createdAt: f.creationTimeSec * 1000,
    state,
    current,
    // Without a <memory> element, libvirt saved memory exactly when the domain was active.
    memory: f.memory === undefined ? state === 'running' || state === 'paused' : f.memory !== 'no',
  };
  if (f.description) info.description = f.description;
  if (f.parent) info.parent = f.parent;
  return info;
}

async function describe(dom: Domain, name: string): Promise<SnapshotInfo> {
  const snap = await dom.snapshotLookupByName(name);
  const [xml, info] = await Promise.all([snap.getXMLDesc(), snap.info()]);
  return snapshotInfoOf(xml, info.current);
}

/** Domain snapshots through virDomainSnapshot*. */
export function snapshotHandlers(conn: () => Connection): SnapshotHandlers {
  return {
    'snapshot.create': async ({ uuid, name, description, memory, quiesce }) => {
      const dom = conn().domain(uuid);
      const parts = [`<name>${xmlEscape(name)}</name>`];
      if (description) parts.push(`<description>${xmlEscape(description)}</description>`);
      // Asked for no memory: say so and let libvirt refuse where the hypervisor cannot do it.
      if (memory === false) parts.push("<memory snapshot='no'/>");
      const flags = quiesce ? SnapshotCreateFlags.QUIESCE : 0;
      const snap = await dom.snapshotCreateXML(`<domainsnapshot>${parts.join('')}</domainsnapshot>`, flags);
      return describe(dom, snap.name);
    },
    'snapshot.list': async ({ uuid }) => {
      const dom = conn().domain(uuid);
      const list = await dom.listAllSnapshots();
      const snapshots = await Promise.all(
        list.map(async (s) =>
          snapshotInfoOf(await dom.snapshotLookupByName(s.name).then((h) => h.getXMLDesc()), s.current),
        ),
      );
      return { snapshots };
    },
    'snapshot.revert': async ({ uuid, name }) => {
      const dom = conn().domain(uuid);
      await (await dom.snapshotLookupByName(name)).revert();
      return { uuid, state: (await dom.getInfo()).state };
    },
    'snapshot.delete': async ({ uuid, name, children }) => {
      const snap = await conn().domain(uuid).snapshotLookupByName(name);
      await snap.delete(children ? SnapshotDeleteFlags.CHILDREN : 0);
      return {};
    },
  };
}
