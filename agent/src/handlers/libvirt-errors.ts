import { RpcError, RpcErrorCode } from '@paddock/protocol';
import { ErrorCode, LibvirtError } from '../libvirt/index.ts';

// libvirt codes that mean "no such object": the appliance treats these as NOT_FOUND, not as failures.
const NOT_FOUND_CODES = new Set<number>([
  ErrorCode.NO_DOMAIN,
  ErrorCode.NO_STORAGE_POOL,
  ErrorCode.NO_STORAGE_VOL,
  ErrorCode.NO_DOMAIN_SNAPSHOT,
]);

// "Already exists" and "not in a state that allows this" (e.g. destroy on a stopped domain):
// CONFLICT lets a re-run task tell "already done" from a real failure.
const CONFLICT_CODES = new Set<number>([
  ErrorCode.DOM_EXIST,
  ErrorCode.STORAGE_VOL_EXIST,
  ErrorCode.OPERATION_INVALID,
]);

/**
 * The one place that turns what a handler threw into what crosses the link: a LibvirtError keeps
 * libvirt's message and carries `{code, domain}` as data; RpcErrors pass; anything else is INTERNAL.
 */
export function toRpcError(error: unknown): RpcError {
  if (error instanceof LibvirtError) {
    const rpcCode = NOT_FOUND_CODES.has(error.code)
      ? RpcErrorCode.NOT_FOUND
      : CONFLICT_CODES.has(error.code)
        ? RpcErrorCode.CONFLICT
        : RpcErrorCode.LIBVIRT_ERROR;
    return new RpcError(rpcCode, error.message, { code: error.code, domain: error.domain });
  }
  return RpcError.from(error);
}
