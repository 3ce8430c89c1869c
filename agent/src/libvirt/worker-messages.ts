/** Messages between the main thread and the libvirt workers. */
import type { LibvirtErrorData } from './errors.ts';
import type { DomainEvent } from './types.ts';

/** Main → call worker. */
export type ToWorker =
  | { type: 'open'; uri: string }
  | { type: 'call'; id: number; op: string; args: unknown[] }
  | { type: 'close' };

/** Call worker → main. */
export type FromWorker =
  | { type: 'opened' }
  | { type: 'open-failed'; error: LibvirtErrorData }
  | { type: 'result'; id: number; value?: unknown; error?: LibvirtErrorData }
  | { type: 'closed' };

/** Main → event worker. One subscription = one connection to `uri` with its callbacks. */
export type ToEventWorker =
  | { type: 'subscribe'; sub: number; uri: string }
  | { type: 'unsubscribe'; sub: number };

/** Event worker → main. */
export type FromEventWorker =
  | { type: 'subscribed'; sub: number; callbacks: string[] }
  | { type: 'failed'; sub: number; error: LibvirtErrorData }
  | { type: 'event'; sub: number; event: DomainEvent }
  | { type: 'reconnected'; sub: number }
  | { type: 'unsubscribed'; sub: number };
