import { type PaddockParams, rpc } from '@paddock/protocol';
import type { DomainEvent as BindingEvent, DomainStateName } from '../libvirt/index.ts';

type DomainEventParams = PaddockParams<'domain.event'>;
type EventName = DomainEventParams['event'];

// The catalog's words for lifecycle events: only these can cross the link.
const FORWARDED = new Set<string>(rpc.DomainEventType.anyOf.map((literal) => literal.const));

// The state each lifecycle event leaves the domain in, when the event alone says so. Saves a
// libvirt call per event and keeps events in order. 'shutdown' (guest finished shutting down) is
// followed by 'stopped', and 'defined'/'undefined' do not change the run state: no state for those.
const STATE_AFTER: Partial<Record<EventName, DomainStateName>> = {
  started: 'running',
  suspended: 'paused',
  resumed: 'running',
  stopped: 'shutoff',
  pmsuspended: 'pmsuspended',
  crashed: 'crashed',
};

/**
 * The catalog's `domain.event` for a binding event, or undefined for events the catalog has no word
 * for (the reboot callback, unknown numbers from a newer libvirt).
 */
export function domainEventParams(event: BindingEvent): DomainEventParams | undefined {
  if (!FORWARDED.has(event.event)) return undefined;
  const name = event.event as EventName;
  const params: DomainEventParams = {
    uuid: event.uuid,
    name: event.name,
    event: name,
    detail: event.detail,
    time: Math.max(0, Math.round(event.at)),
  };
  const state = STATE_AFTER[name];
  if (state) params.state = state;
  return params;
}
