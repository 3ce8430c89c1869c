import type { AgentHandlers } from '@paddock/protocol';
import type { HostFactsReader } from '../host/facts.ts';

type HostHandlers = Pick<AgentHandlers, 'host.info' | 'ping'>;

/** Liveness and host facts. */
export function hostHandlers(facts: HostFactsReader): HostHandlers {
  return {
    ping: ({ nonce }) => (nonce === undefined ? { time: Date.now() } : { time: Date.now(), nonce }),
    'host.info': () => facts.facts(),
  };
}
