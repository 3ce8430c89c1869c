import {
  type AppliancePeer,
  type CallOptions,
  createAppliancePeer,
  type PaddockParams,
  type PaddockResult,
  RpcError,
  RpcErrorCode,
  type RpcTransport,
} from '@paddock/protocol';
import type {
  DomainEvent,
  DomainInventory,
  HostFacts,
  NodeHeartbeat,
  PaddockCatalog,
  StreamCall,
} from '@paddock/protocol/rpc/index';
import type { Static } from '@sinclair/typebox';
import { AppError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';

/** One agent's live link. */
interface AgentConnection {
  nodeId: string;
  peer: AppliancePeer;
  connectedAt: number;
  remote: string | null;
  registered: boolean;
}

/** A request method the appliance sends to agents. */
export type AgentMethod = Parameters<AppliancePeer['request']>[0];

/** Something that can send a request to a node's agent, wherever that agent is connected. */
export interface AgentCaller {
  call<M extends AgentMethod>(
    nodeId: string,
    method: M,
    params: PaddockParams<M>,
    options?: CallOptions,
  ): Promise<PaddockResult<M>>;
  isConnected(nodeId: string): boolean;
}

/** Listeners for what agents push. */
export interface HubEvents {
  domainEvent?(nodeId: string, event: DomainEvent): void;
  inventory?(nodeId: string, inventory: Static<typeof DomainInventory>): void;
}

/** Told of each step of an agent's life cycle on this replica; the hub does not store node state. */
export interface AgentLifecycle {
  registered(nodeId: string, facts: HostFacts & { agentVersion: string }): Promise<void>;
  heartbeat(nodeId: string, heartbeat: NodeHeartbeat): Promise<void>;
  disconnected(nodeId: string, reason: string): Promise<void>;
}

/**
 * The appliance end of every agent link: one connection per node (a new one replaces the old),
 * agent requests and notifications dispatched to its life cycle listener, and `call` for the rest of the
 * appliance. `call` answers NODE_OFFLINE when the node is not connected here; a node connected to
 * another replica is reached through AgentRouter (agent-router.ts), which wraps this hub.
 */
export class AgentHub implements AgentCaller {
  readonly #connections = new Map<string, AgentConnection>();
  /** Told when a node's link opens or closes here (the cross-replica router records owners). */
  onConnectionChange: (nodeId: string, connected: boolean) => void = () => {};

  constructor(
    private readonly nodes: AgentLifecycle,
    private readonly logger: Logger,
    private readonly settings: { heartbeatIntervalMs: number },
    private readonly events: HubEvents = {},
  ) {}

  /**
   * Wires a freshly opened, already authenticated socket for `nodeId`; returns its peer.
   * `copiesFrames`: the transport copies frames on send (Bun's ServerWebSocket), see RpcPeerOptions.
   */
  attach(
    nodeId: string,
    transport: RpcTransport,
    remote: string | null,
    { copiesFrames = false }: { copiesFrames?: boolean } = {},
  ): AppliancePeer {
    const previous = this.#connections.get(nodeId);
    const peer = createAppliancePeer(transport, {
      logger: this.logger.child({ nodeId }),
      transportCopiesFrames: copiesFrames,
    });
    const connection: AgentConnection = { nodeId, peer, connectedAt: Date.now(), remote, registered: false };
    this.#connections.set(nodeId, connection);
    if (previous) {
      this.logger.warn({ nodeId }, 'agent reconnected; closing its previous connection');
      previous.peer.close(4000, 'replaced by a newer connection');
    }
    peer.handle('agent.register', async (facts) => {
      await this.nodes.registered(nodeId, facts);
      connection.registered = true;
      return { nodeId, heartbeatIntervalMs: this.settings.heartbeatIntervalMs };
    });
    peer.handle('ping', ({ nonce }) => ({ time: Date.now(), ...(nonce !== undefined && { nonce }) }));
    peer.onNotification('node.heartbeat', (hb) => {
      if (!connection.registered) return;
      this.nodes
        .heartbeat(nodeId, hb)
        .catch((error) => this.logger.error({ err: error, nodeId }, 'heartbeat not stored'));
    });
    peer.onNotification('domain.event', (event) => this.events.domainEvent?.(nodeId, event));
    peer.onNotification('domain.inventory', (inventory) => this.events.inventory?.(nodeId, inventory));
    this.logger.info({ nodeId, remote }, 'agent connected');
    this.onConnectionChange(nodeId, true);
    return peer;
  }

  /** The socket of `peer` closed. Only the current connection of a node marks it offline. */
  detach(nodeId: string, peer: AppliancePeer, code?: number, reason?: string): void {
    peer.transportClosed(code, reason);
    const current = this.#connections.get(nodeId);
    if (current?.peer !== peer) return;
    this.#connections.delete(nodeId);
    this.onConnectionChange(nodeId, false);
    this.logger.info({ nodeId, code, reason }, 'agent disconnected');
    this.nodes
      .disconnected(nodeId, `agent disconnected${reason ? `: ${reason}` : ''}`)
      .catch((error) => this.logger.error({ err: error, nodeId }, 'could not record disconnect'));
  }

  isConnected(nodeId: string): boolean {
    return this.#connections.has(nodeId);
  }

  /** Nodes whose agents are connected to this process. */
  connectedNodes(): string[] {
    return [...this.#connections.keys()];
  }

  /** Drops a node's connection (deleted or revoked node). */
  disconnect(nodeId: string, reason: string): void {
    this.#connections.get(nodeId)?.peer.close(4001, reason);
  }

  async call<M extends AgentMethod>(
    nodeId: string,
    method: M,
    params: PaddockParams<M>,
    options?: CallOptions,
  ): Promise<PaddockResult<M>> {
    const peer = this.#peerOf(nodeId);
    try {
      return (await peer.request(method, params as never, options)) as PaddockResult<M>;
    } catch (error) {
      if (error instanceof RpcError && error.code === RpcErrorCode.AGENT_DISCONNECTED) {
        throw new AppError('NODE_OFFLINE', `the agent of node ${nodeId} disconnected during ${method}`, {
          nodeId,
        });
      }
      throw error;
    }
  }

  /** Opens a stream method (upload, download, console) on a node's agent. */
  openStream<M extends Parameters<AppliancePeer['openStream']>[0]>(
    nodeId: string,
    method: M,
    params: PaddockParams<M>,
    options?: CallOptions,
  ): StreamCall<PaddockCatalog, M> {
    return this.#peerOf(nodeId).openStream(method, params as never, options);
  }

  /** Figures for /metrics. */
  stats(): { connected: number; inFlight: number } {
    let inFlight = 0;
    for (const c of this.#connections.values()) inFlight += c.peer.inFlight.outgoing;
    return { connected: this.#connections.size, inFlight };
  }

  /** Closes every link (shutdown). */
  closeAll(): void {
    for (const c of this.#connections.values()) c.peer.close(1001, 'appliance shutting down');
  }

  #peerOf(nodeId: string): AppliancePeer {
    const connection = this.#connections.get(nodeId);
    if (!connection) throw new AppError('NODE_OFFLINE', `node ${nodeId} has no agent connected`, { nodeId });
    return connection.peer;
  }
}
