export * from './api/errors.ts';
export * from './api/list.ts';
export * from './api/permissions.ts';
export * from './api/auth.ts';
export * from './api/common.ts';
export * from './api/roles.ts';
export * from './api/users.ts';
// Agent-link RPC. The full surface is under `rpc`; the names both ends use daily are re-exported
// by name (not `export *`) so they can never collide with the REST API types above.
export * as rpc from './rpc/index.ts';
export {
  attachWebSocket,
  connectAgentPeer,
  createAgentPeer,
  createAppliancePeer,
  paddockCatalog,
  RpcError,
  RpcErrorCode,
  RpcPeer,
  RpcStreamReader,
  RpcStreamWriter,
} from './rpc/index.ts';
export type {
  AgentHandlers,
  AgentPeer,
  ApplianceHandlers,
  AppliancePeer,
  CallOptions,
  PaddockCatalog,
  PaddockMethod,
  PaddockParams,
  PaddockResult,
  RpcLogger,
  RpcTransport,
} from './rpc/index.ts';
export * from './api/nodes.ts';
export * from './api/tasks.ts';
export * from './api/storage.ts';
export * from './api/vms.ts';
export * from './api/networks.ts';
export * from './api/consoles.ts';
export * from './api/snapshots.ts';
export * from './api/audit.ts';
export * from './api/events.ts';
