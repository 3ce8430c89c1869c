import { type CallOptions, type PaddockParams, type PaddockResult, RpcError } from '@paddock/protocol';
import { RedisClient } from 'bun';
import { AppError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { AgentCaller, AgentHub, AgentMethod } from './hub.ts';

const OWNER_TTL_SEC = 120;
const ownerKey = (nodeId: string) => `paddock:agent-owner:${nodeId}`;
const rpcChannel = (replica: string) => `paddock:agent-rpc:${replica}`;
/** Every serving replica listens here: a revoked or deleted node's link closes wherever it is. */
const DISCONNECT_CHANNEL = 'paddock:agent-disconnect';

interface RoutedRequest {
  id: string;
  replyTo: string;
  nodeId: string;
  method: AgentMethod;
  params: unknown;
  timeoutMs?: number;
}
interface RoutedReply {
  id: string;
  result?: unknown;
  error?: { code: string; message: string; data?: unknown; app?: boolean };
}

/**
 * Agent calls across replicas through Redis. Each `serve` replica records which nodes are
 * connected to it (`paddock:agent-owner:<node>`, refreshed while connected) and answers requests
 * published on its own channel; any process — another replica or a `paddock worker` — calls a
 * node's agent locally when it holds the link, and through the owner's channel otherwise.
 * Request/response calls only: uploads and consoles are served by the replica that owns the link.
 * Also carries disconnects (revoked or deleted node) to every replica.
 */
export class AgentRouter implements AgentCaller {
  readonly replicaId = crypto.randomUUID();
  readonly #pending = new Map<
    string,
    { resolve(v: unknown): void; reject(e: unknown): void; timer: Timer }
  >();
  readonly #pub: RedisClient;
  readonly #sub: RedisClient;
  #ownerRefresh: Timer | undefined;

  constructor(
    redisUrl: string,
    private readonly logger: Logger,
    private readonly hub?: AgentHub,
  ) {
    this.#pub = new RedisClient(redisUrl);
    this.#sub = new RedisClient(redisUrl);
  }

  /** Subscribes to this process's channel; with a hub, also serves requests for its nodes. */
  async start(): Promise<void> {
    await this.#sub.subscribe(rpcChannel(this.replicaId), (message) => void this.#onMessage(message));
    if (this.hub) {
      const hub = this.hub;
      await this.#sub.subscribe(DISCONNECT_CHANNEL, (message) => {
        try {
          const { nodeId, reason } = JSON.parse(message) as { nodeId: string; reason: string };
          hub.disconnect(nodeId, reason);
        } catch {
          // Not ours: nothing to close.
        }
      });
      const refresh = async () => {
        for (const nodeId of this.hub!.connectedNodes()) await this.#recordOwner(nodeId).catch(() => {});
      };
      this.hub.onConnectionChange = (nodeId, connected) => {
        const op = connected
          ? this.#recordOwner(nodeId)
          : this.#pub.send('EVAL', [
              "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
              '1',
              ownerKey(nodeId),
              this.replicaId,
            ]);
        op.catch((error) => this.logger.warn({ err: error, nodeId }, 'agent owner not recorded in Redis'));
      };
      await refresh();
      this.#ownerRefresh = setInterval(() => void refresh(), (OWNER_TTL_SEC * 1000) / 3);
    }
  }

  isConnected(nodeId: string): boolean {
    return this.hub?.isConnected(nodeId) ?? false;
  }

  /**
   * Drops a node's link here and on every other replica (revoked or deleted node): the replica
   * that serves the request is rarely the one holding the link.
   */
  disconnect(nodeId: string, reason: string): void {
    this.hub?.disconnect(nodeId, reason);
    this.#pub
      .publish(DISCONNECT_CHANNEL, JSON.stringify({ nodeId, reason }))
      .catch((error) =>
        this.logger.error({ err: error, nodeId }, 'agent disconnect not sent to the other replicas'),
      );
  }

  async call<M extends AgentMethod>(
    nodeId: string,
    method: M,
    params: PaddockParams<M>,
    options: CallOptions = {},
  ): Promise<PaddockResult<M>> {
    if (this.hub?.isConnected(nodeId))
      return this.hub.call(nodeId, method, params, options) as Promise<PaddockResult<M>>;
    const owner = await this.#pub.get(ownerKey(nodeId));
    if (!owner)
      throw new AppError('NODE_OFFLINE', `node ${nodeId} has no agent connected to any replica`, { nodeId });
    const id = crypto.randomUUID();
    const timeoutMs = options.timeoutMs ?? 30_000;
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new AppError(
            'AGENT_TIMEOUT',
            `no answer from the replica holding node ${nodeId} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs + 1000);
      this.#pending.set(id, { resolve, reject, timer });
    });
    const request: RoutedRequest = {
      id,
      replyTo: rpcChannel(this.replicaId),
      nodeId,
      method,
      params,
      timeoutMs,
    };
    if ((await this.#pub.publish(rpcChannel(owner), JSON.stringify(request))) === 0) {
      this.#settle({
        id,
        error: { code: 'NODE_OFFLINE', message: `the replica holding node ${nodeId} is gone`, app: true },
      });
    }
    return reply as Promise<PaddockResult<M>>;
  }

  async #onMessage(message: string): Promise<void> {
    let parsed: RoutedRequest | RoutedReply;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if (!('method' in parsed)) {
      this.#settle(parsed);
      return;
    }
    const request = parsed;
    let reply: RoutedReply;
    try {
      if (!this.hub) throw new AppError('NODE_OFFLINE', 'this process holds no agent links');
      const result = await this.hub.call(request.nodeId, request.method, request.params as never, {
        ...(request.timeoutMs !== undefined && { timeoutMs: request.timeoutMs }),
      });
      reply = { id: request.id, result };
    } catch (error) {
      reply = {
        id: request.id,
        error:
          error instanceof AppError
            ? { code: error.code, message: error.message, data: error.details, app: true }
            : error instanceof RpcError
              ? { code: error.code, message: error.message, data: error.data }
              : { code: 'INTERNAL', message: String(error) },
      };
    }
    await this.#pub.publish(request.replyTo, JSON.stringify(reply)).catch(() => {});
  }

  #recordOwner(nodeId: string): Promise<unknown> {
    return this.#pub.send('SET', [ownerKey(nodeId), this.replicaId, 'EX', String(OWNER_TTL_SEC)]);
  }

  #settle(reply: RoutedReply): void {
    const waiter = this.#pending.get(reply.id);
    if (!waiter) return;
    this.#pending.delete(reply.id);
    clearTimeout(waiter.timer);
    if (!reply.error) {
      waiter.resolve(reply.result);
      return;
    }
    const { code, message, data, app } = reply.error;
    waiter.reject(
      app
        ? new AppError(code as never, message, data as Record<string, unknown>)
        : new RpcError(code as never, message, data),
    );
  }

  close(): void {
    clearInterval(this.#ownerRefresh);
    for (const waiter of this.#pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new AppError('NODE_OFFLINE', 'appliance shutting down'));
    }
    this.#sub.close();
    this.#pub.close();
  }
}
