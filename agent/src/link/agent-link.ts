import {
  type AgentHandlers,
  type AgentPeer,
  type PaddockParams,
  type PaddockResult,
  RpcError,
  RpcErrorCode,
} from '@paddock/protocol';
import type { Logger } from '../log.ts';
import { CredentialRefused, openLink } from './connect.ts';
import type { LinkFailure, LinkObserver } from './link-observer.ts';
import { type ClientTls, hubUrl } from './tls.ts';

type Facts = PaddockParams<'agent.register'>;
type Heartbeat = PaddockParams<'node.heartbeat'>;
type Inventory = PaddockParams<'domain.inventory'>;
type DomainEventParams = PaddockParams<'domain.event'>;

/** What the link needs from the rest of the agent. */
export interface AgentLinkOptions {
  server: string;
  credential: string;
  tls: ClientTls;
  handlers: Partial<AgentHandlers>;
  reconnectIntervalMs: number;
  inventoryIntervalMs: number;
  /** Host facts for `agent.register`. */
  facts(): Promise<Facts>;
  /** Live figures for one heartbeat; must answer promptly even when libvirt is slow. */
  heartbeat(): Promise<Heartbeat>;
  /** The full domain list. */
  inventory(): Promise<Inventory['domains']>;
  logger: Logger;
  observer: LinkObserver;
  /**
   * Awaited before each `agent.register`: the domain event subscription, so that nothing that
   * happens after registration can slip between the inventory and the first forwarded event.
   */
  beforeRegister?: () => Promise<unknown>;
  /** Deadline of `agent.register` (default 30 s). */
  registerTimeoutMs?: number;
}

// Close codes that mean "this credential is no longer welcome": policy violation, 4001 (the hub
// dropped a revoked or deleted node), and 4401/4403 mirroring HTTP 401/403. 4000 ("replaced by a
// newer connection") is not one: it is an ordinary close, retried at the normal interval.
const REFUSAL_CLOSE_CODES = new Set([1008, 4001, 4401, 4403]);

/** Close code the agent uses when it gives up on a link that stopped answering. */
const UNRESPONSIVE_CLOSE_CODE = 4408;

/** Smallest heartbeat period honoured, so a misconfigured appliance cannot make the agent spin. */
const MIN_HEARTBEAT_MS = 50;

/**
 * The agent's side of the appliance link, for the life of the process: connect with the
 * credential, register, then heartbeat, inventory and forward domain events until the link drops;
 * then wait and start over, forever. A refused credential backs off (doubling, capped at 12
 * intervals) instead of hammering the appliance, and says what the operator must do.
 */
export class AgentLink {
  readonly #o: AgentLinkOptions;
  readonly #url: string;
  readonly #stop = new AbortController();
  #peer: AgentPeer | undefined;
  #registered = false;
  #attempt = 0;
  #refusals = 0;
  #lastFailure: LinkFailure | undefined;
  #repeats = 0;
  #running: Promise<void> | undefined;

  constructor(options: AgentLinkOptions) {
    this.#o = options;
    this.#url = hubUrl(options.server);
  }

  /** Starts the connect/register/report loop (once). */
  start(): void {
    this.#running ??= this.#loop();
  }

  /** Closes the link and ends the loop. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#peer?.close(1000, 'agent stopping');
    await this.#running;
  }

  /** Forwards one domain lifecycle event; dropped while disconnected (the next inventory covers it). */
  sendDomainEvent(event: DomainEventParams): boolean {
    if (!this.#registered || !this.#peer) return false;
    return this.#peer.notify('domain.event', event);
  }

  async #loop(): Promise<void> {
    const { logger } = this.#o;
    while (!this.#stop.signal.aborted) {
      const delay = await this.#session();
      if (this.#stop.signal.aborted) break;
      logger.debug({ delayMs: delay }, 'link: waiting before reconnecting');
      await this.#sleep(delay);
    }
    logger.info('link: stopped');
  }

  /** One connection's life; returns how long to wait before the next attempt. */
  async #session(): Promise<number> {
    const { logger, observer } = this.#o;
    this.#attempt++;
    observer.connecting(this.#attempt);
    logger.info({ url: this.#url, attempt: this.#attempt }, 'link: connecting');
    let opened: Awaited<ReturnType<typeof openLink>>;
    try {
      opened = await openLink(this.#url, {
        credential: this.#o.credential,
        tls: this.#o.tls,
        handlers: this.#o.handlers,
        logger: {
          warn: (data, msg) => logger.warn(data, `rpc: ${msg}`),
          debug: (data, msg) => logger.debug(data, `rpc: ${msg}`),
        },
      });
    } catch (error) {
      if (error instanceof CredentialRefused) return this.#refused(`upgrade answered HTTP ${error.status}`);
      return this.#failed('unreachable', (error as Error).message);
    }
    const { peer, closed } = opened;
    this.#peer = peer;
    const closedInfo = Promise.race([
      closed,
      new Promise<{ code: number; reason: string }>((done) =>
        peer.onClose((e) => done({ code: 1006, reason: e.message })),
      ),
    ]);
    // From here on, stopping the agent closes this link (whatever stage it is at).
    const onStop = () => peer.close(1000, 'agent stopping');
    if (this.#stop.signal.aborted) onStop();
    else this.#stop.signal.addEventListener('abort', onStop, { once: true });
    logger.info({ url: this.#url }, 'link: connected, registering');

    let registered: PaddockResult<'agent.register'>;
    try {
      await this.#o.beforeRegister?.();
      const facts = await this.#o.facts();
      registered = await peer.request('agent.register', facts, {
        timeoutMs: this.#o.registerTimeoutMs ?? 30_000,
      });
    } catch (error) {
      peer.close(1000, 'register failed');
      const { code, reason } = await closedInfo;
      this.#stop.signal.removeEventListener('abort', onStop);
      this.#peer = undefined;
      if (this.#stop.signal.aborted) return 0;
      if (error instanceof RpcError && error.code === RpcErrorCode.UNAUTHORIZED)
        return this.#refused(error.message);
      if (REFUSAL_CLOSE_CODES.has(code))
        return this.#refused(`link closed with ${code}${reason ? ` (${reason})` : ''}`);
      return this.#failed('register_failed', error instanceof Error ? error.message : String(error));
    }

    this.#refusals = 0;
    this.#lastFailure = undefined;
    this.#registered = true;
    const heartbeatMs = Math.max(MIN_HEARTBEAT_MS, registered.heartbeatIntervalMs);
    observer.connected(registered.nodeId);
    logger.info({ nodeId: registered.nodeId, heartbeatIntervalMs: heartbeatMs }, 'link: registered');

    const stopReporting = this.#report(peer, heartbeatMs);
    const { code, reason } = await closedInfo;
    this.#stop.signal.removeEventListener('abort', onStop);
    stopReporting();
    this.#registered = false;
    this.#peer = undefined;
    if (this.#stop.signal.aborted) return 0;
    if (REFUSAL_CLOSE_CODES.has(code))
      return this.#refused(`link closed with ${code}${reason ? ` (${reason})` : ''}`);
    return this.#failed('closed', `link closed (${code}${reason ? `: ${reason}` : ''})`);
  }

  /** Heartbeats and inventories on the registered link; returns the function that stops them. */
  #report(peer: AgentPeer, heartbeatMs: number): () => void {
    const { logger, observer } = this.#o;
    let stopped = false;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    // A chain of timeouts, not setInterval: a slow round (libvirt busy) delays the next instead of
    // piling rounds up.
    const every = (periodMs: number, what: string, round: () => Promise<void>) => {
      const tick = async () => {
        if (stopped) return;
        try {
          await round();
        } catch (error) {
          logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            `link: ${what} failed`,
          );
        }
        if (stopped) return;
        const timer = setTimeout(() => {
          timers.delete(timer);
          void tick();
        }, periodMs);
        timers.add(timer);
      };
      void tick();
    };
    every(heartbeatMs, 'heartbeat', async () => {
      const figures = await this.#o.heartbeat();
      if (!stopped && peer.notify('node.heartbeat', figures)) observer.heartbeatSent();
    });
    every(this.#o.inventoryIntervalMs, 'inventory', async () => {
      const domains = await this.#o.inventory();
      if (!stopped && peer.notify('domain.inventory', { time: Date.now(), domains })) {
        logger.debug({ domains: domains.length }, 'link: inventory sent');
      }
    });
    // A link whose TCP path died silently (no FIN: cable, NAT timeout) looks open for many minutes
    // while heartbeats vanish. A ping the hub must answer in time tells; any answer, even an
    // error, proves it alive. The first probe waits one period: registration just proved it.
    const probeMs = Math.max(3 * heartbeatMs, 1000);
    const probeTimeoutMs = Math.min(Math.max(2 * heartbeatMs, 1000), 30_000);
    const probe = setTimeout(function first() {
      every(probeMs, 'liveness probe', async () => {
        try {
          await peer.request('ping', {}, { timeoutMs: probeTimeoutMs });
        } catch (error) {
          if (!(error instanceof RpcError) || error.code !== RpcErrorCode.TIMEOUT || stopped) return;
          logger.warn(
            { timeoutMs: probeTimeoutMs },
            'link: the appliance did not answer a ping; reconnecting',
          );
          peer.close(UNRESPONSIVE_CLOSE_CODE, 'appliance unresponsive');
        }
      });
    }, probeMs);
    return () => {
      stopped = true;
      clearTimeout(probe);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    };
  }

  #refused(detail: string): number {
    this.#refusals++;
    const interval = this.#o.reconnectIntervalMs;
    const delay = Math.min(interval * 2 ** this.#refusals, interval * 12);
    this.#o.logger.error(
      { reason: 'refused', detail, retryInMs: delay },
      'link: credential refused — revoked? re-enroll with a new token (remove credential.json from the state directory and start with --token)',
    );
    this.#o.observer.failed('refused', detail);
    return delay;
  }

  #failed(reason: LinkFailure, message: string): number {
    // An appliance down for a day must not write 17,000 identical warnings: the first failure of a
    // kind and every 12th repeat (once a minute at the default interval) are warnings, the rest debug.
    this.#repeats = reason === this.#lastFailure ? this.#repeats + 1 : 0;
    this.#lastFailure = reason;
    const fields = { reason, err: message, retryInMs: this.#o.reconnectIntervalMs, repeats: this.#repeats };
    if (this.#repeats % 12 === 0) this.#o.logger.warn(fields, 'link: down');
    else this.#o.logger.debug(fields, 'link: down');
    this.#o.observer.failed(reason, message);
    return this.#o.reconnectIntervalMs;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.#stop.signal;
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
