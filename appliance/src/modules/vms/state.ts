import type { DomainState } from '@paddock/protocol/rpc/index';

/** The VM status that a libvirt domain state means. libvirt is the truth for power state. */
export function statusOfDomainState(state: DomainState): string {
  switch (state) {
    case 'running':
    case 'blocked':
      return 'running';
    case 'paused':
    case 'pmsuspended':
      return 'paused';
    case 'shutdown':
      return 'stopping';
    case 'crashed':
      return 'error';
    default:
      return 'stopped';
  }
}

/** The status a lifecycle event moves a VM to, or undefined when the event alone does not say. */
export function statusOfDomainEvent(event: string): string | undefined {
  switch (event) {
    case 'started':
    case 'resumed':
      return 'running';
    case 'suspended':
    case 'pmsuspended':
      return 'paused';
    case 'stopped':
      return 'stopped';
    case 'shutdown':
      return 'stopping';
    case 'crashed':
      return 'error';
    default:
      return undefined;
  }
}
