import { RpcError, RpcErrorCode } from '@paddock/protocol';

/**
 * An agent call whose NOT_FOUND answer means "already gone" (deleting, or asking whether something
 * exists before creating it): that answer resolves to undefined, any other error still rejects.
 */
export function ignoreNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  return call.catch((error: unknown) => {
    if (error instanceof RpcError && error.code === RpcErrorCode.NOT_FOUND) return undefined;
    throw error;
  });
}
