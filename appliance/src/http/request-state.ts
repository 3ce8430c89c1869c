import type { RouteAccess } from '@paddock/protocol/api/permissions';
import type { Actor } from '../modules/audit/actor.ts';
import type { Principal } from '../modules/auth/principal.ts';

/** What the HTTP layer learns about a request as it goes through the lifecycle. */
export interface RequestState {
  requestId: string;
  startedAt: number;
  ip: string | null;
  access?: RouteAccess;
  principal?: Principal;
}

const states = new WeakMap<Request, RequestState>();

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Starts tracking a request; an incoming `X-Request-Id` is kept when it looks sane. */
export function beginRequest(request: Request, ip: string | null): RequestState {
  const incoming = request.headers.get('x-request-id');
  const state: RequestState = {
    requestId: incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID(),
    startedAt: performance.now(),
    ip,
  };
  states.set(request, state);
  return state;
}

/** The state of a request (created on first use for requests that skipped `beginRequest`). */
export function stateOf(request: Request): RequestState {
  return states.get(request) ?? beginRequest(request, null);
}

/** The actor of a request, for services to audit with. */
export function actorOf(state: RequestState): Actor {
  return {
    userId: state.principal?.id ?? null,
    username: state.principal?.username ?? null,
    ip: state.ip,
    requestId: state.requestId,
    action: state.access ?? 'unknown',
  };
}

/** The token of an `Authorization: Bearer …` header; '' when there is none. */
export function bearerToken(request: Request): string {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether a method changes state and so must be audited. */
export const isMutating = (method: string) => MUTATING.has(method.toUpperCase());
