/**
 * A small appliance stand-in for the agent's tests: the enrollment endpoint and the `/ws/agent` hub
 * speaking the real protocol (createAppliancePeer), recording what the agent sends.
 */
import type { Server, ServerWebSocket } from 'bun';
import { type AppliancePeer, createAppliancePeer, type PaddockParams } from '@paddock/protocol';

type Facts = PaddockParams<'agent.register'>;
type Heartbeat = PaddockParams<'node.heartbeat'>;
type Inventory = PaddockParams<'domain.inventory'>;
type DomainEventParams = PaddockParams<'domain.event'>;

interface SocketData {
  peer?: AppliancePeer;
  nodeId: string;
}

/** TLS material for a wss stand-in. */
export interface StandInTls {
  cert: string;
  key: string;
}

/** The fake appliance; every list is in arrival order. */
export class ApplianceStandIn {
  readonly tokens = new Set<string>();
  /** credential → nodeId. */
  readonly credentials = new Map<string, string>();
  readonly enrollRequests: { token: string; hostname: string }[] = [];
  readonly upgradeAuth: (string | null)[] = [];
  readonly registers: Facts[] = [];
  readonly heartbeats: { at: number; params: Heartbeat }[] = [];
  readonly inventories: Inventory[] = [];
  readonly events: DomainEventParams[] = [];
  /** Peers of the links open now. */
  readonly peers = new Set<AppliancePeer>();
  heartbeatIntervalMs = 100;
  /** While true, frames from agents are dropped unread: a hub that hangs, or a silently dead path. */
  frozen = false;
  #server: Server<SocketData> | undefined;
  #port = 0;
  #nodes = 0;

  constructor(private readonly tls?: StandInTls) {}

  /** Base URL for --server. */
  get url(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.#port}`;
  }

  /** Starts (or restarts) on the same port as before; 0 picks one the first time. */
  start(): this {
    this.#server = Bun.serve<SocketData>({
      hostname: '127.0.0.1',
      port: this.#port,
      ...(this.tls ? { tls: this.tls } : {}),
      fetch: (request, server) => this.#fetch(request, server),
      websocket: {
        open: (ws) => this.#open(ws),
        message: (ws, message) => {
          if (!this.frozen) ws.data.peer?.receive(message);
        },
        close: (ws, code, reason) => {
          if (ws.data.peer) this.peers.delete(ws.data.peer);
          ws.data.peer?.transportClosed(code, reason);
        },
      },
    });
    this.#port = this.#server.port ?? 0;
    return this;
  }

  /** Stops, dropping every link abruptly (as a crash or restart would). */
  async stop(): Promise<void> {
    for (const peer of this.peers) peer.close(1001, 'appliance stopping');
    this.peers.clear();
    await this.#server?.stop(true);
    this.#server = undefined;
  }

  /** Issues a single-use enrollment token. */
  issueToken(): string {
    const token = `tok-${crypto.randomUUID()}`;
    this.tokens.add(token);
    return token;
  }

  /** The one connected peer (the first when several are). */
  get peer(): AppliancePeer | undefined {
    return [...this.peers][0];
  }

  /** Resolves once `check` returns a truthy value, polling every 10 ms. */
  async waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`stand-in: timed out waiting for ${what}`);
      await Bun.sleep(10);
    }
  }

  async #fetch(request: Request, server: Server<SocketData>): Promise<Response | undefined> {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/agents/enroll' && request.method === 'POST') {
      const body = (await request.json()) as { token: string; hostname: string };
      this.enrollRequests.push(body);
      if (!this.tokens.delete(body.token)) {
        return Response.json(
          { error: { code: 'UNAUTHORIZED', message: 'bad enrollment token' } },
          { status: 401 },
        );
      }
      const nodeId = `node-${++this.#nodes}`;
      const credential = `cred-${crypto.randomUUID()}`;
      this.credentials.set(credential, nodeId);
      return Response.json({ nodeId, credential }, { status: 201 });
    }
    if (pathname === '/ws/agent') {
      const auth = request.headers.get('authorization');
      this.upgradeAuth.push(auth);
      const nodeId = this.credentials.get(auth?.replace(/^Bearer /, '') ?? '');
      if (!nodeId) {
        return Response.json({ error: { code: 'UNAUTHORIZED', message: 'bad credential' } }, { status: 401 });
      }
      return server.upgrade(request, { data: { nodeId } })
        ? undefined
        : new Response('upgrade required', { status: 426 });
    }
    return new Response('not found', { status: 404 });
  }

  #open(ws: ServerWebSocket<SocketData>): void {
    const peer = createAppliancePeer(ws, { logger: { warn: () => {} } });
    ws.data.peer = peer;
    this.peers.add(peer);
    peer.handle('agent.register', (facts) => {
      this.registers.push(facts);
      return { nodeId: ws.data.nodeId, heartbeatIntervalMs: this.heartbeatIntervalMs };
    });
    peer.onNotification('node.heartbeat', (params) => void this.heartbeats.push({ at: Date.now(), params }));
    peer.onNotification('domain.inventory', (params) => void this.inventories.push(params));
    peer.onNotification('domain.event', (params) => void this.events.push(params));
  }
}
