/**
 * The agent's answers to the appliance: every appliance → agent method of the catalog (the type
 * below makes the compiler check that none is missing).
 */
import type { AgentHandlers } from '@paddock/protocol';
import type { HostFactsReader } from '../host/facts.ts';
import type { Connection } from '../libvirt/index.ts';
import { consoleHandlers } from './console.handlers.ts';
import { domainHandlers } from './domain.handlers.ts';
import { hostHandlers } from './host.handlers.ts';
import { toRpcError } from './libvirt-errors.ts';
import { snapshotHandlers } from './snapshot.handlers.ts';
import { type PoolRules, storageHandlers } from './storage.handlers.ts';

/** Told about every handled request once it settles: `outcome` is 'ok' or the RPC error code. */
export type RequestObserver = (method: string, outcome: string, durationMs: number) => void;

/** Builds the handler table; every handler's failure goes through toRpcError, the one error mapper. */
export function createHandlers(
  conn: () => Connection,
  facts: HostFactsReader,
  rules: PoolRules,
  observe: RequestObserver = () => {},
): AgentHandlers {
  const handlers: AgentHandlers = {
    ...hostHandlers(facts),
    ...domainHandlers(conn),
    ...snapshotHandlers(conn),
    ...storageHandlers(conn, rules),
    ...consoleHandlers(conn),
  };
  const wrapped: Record<string, unknown> = {};
  for (const [method, handler] of Object.entries(handlers) as [
    string,
    (p: unknown, c: unknown) => unknown,
  ][]) {
    wrapped[method] = async (params: unknown, ctx: unknown) => {
      const started = performance.now();
      try {
        const result = await handler(params, ctx);
        observe(method, 'ok', performance.now() - started);
        return result;
      } catch (error) {
        const rpcError = toRpcError(error);
        observe(method, rpcError.code, performance.now() - started);
        throw rpcError;
      }
    };
  }
  return wrapped as AgentHandlers;
}
