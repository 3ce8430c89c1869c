import {
  type AgentHandlers,
  type AgentPeer,
  attachWebSocket,
  createAgentPeer,
  type RpcLogger,
} from '@paddock/protocol';
import type { ClientTls } from './tls.ts';

/** The hub refused the credential on the upgrade (HTTP 401/403): revoked, or for another appliance. */
export class CredentialRefused extends Error {
  override readonly name = 'CredentialRefused';
  constructor(readonly status: number) {
    super(`the appliance refused the credential (HTTP ${status})`);
  }
}

/** The connection could not be opened for any other reason. */
export class ConnectFailed extends Error {
  override readonly name = 'ConnectFailed';
}

/** An open link: the peer, and a promise of how the socket closed. */
export interface OpenedLink {
  peer: AgentPeer;
  /** Settles once the socket closes (code 1006 for an abrupt loss). */
  closed: Promise<{ code: number; reason: string }>;
}

/** Options of one connection attempt. */
export interface OpenLinkOptions {
  credential: string;
  tls: ClientTls;
  /** Registered before the first frame can arrive. */
  handlers: Partial<AgentHandlers>;
  logger: RpcLogger;
  connectTimeoutMs?: number;
}

// Bun's client WebSocket reports a refused upgrade only as an ErrorEvent whose message reads
// "… failed: Expected 101 status code: 401"; the close event that follows says just 1006.
const STATUS_IN_MESSAGE = /Expected 101 status code: (\d{3})/;

/** The HTTP status of a refused upgrade, read from Bun's error message; undefined for other failures. */
export function upgradeStatusOf(message: string): number | undefined {
  const m = STATUS_IN_MESSAGE.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Opens the agent's WebSocket to the hub with the bearer credential (and the operator's CA for
 * wss), and resolves with a peer whose handlers are already in place. Rejects with
 * CredentialRefused on 401/403, ConnectFailed otherwise. (protocol's connectAgentPeer does not take
 * TLS options nor tell a refusal from an outage, hence this variant over the same primitives.)
 */
export function openLink(url: string, options: OpenLinkOptions): Promise<OpenedLink> {
  const { credential, tls, handlers, logger, connectTimeoutMs = 10_000 } = options;
  // Bun extends the constructor with `{ headers, tls }`; the DOM typing does not know it.
  const init = { headers: { authorization: `Bearer ${credential}` }, ...(tls ? { tls } : {}) };
  const socket = new WebSocket(url, init as unknown as string[]);
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        socket.close();
      } catch {
        // Never opened: nothing to close.
      }
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new ConnectFailed(`no answer from ${url} within ${connectTimeoutMs} ms`)),
      connectTimeoutMs,
    );
    socket.addEventListener(
      'error',
      (event) => {
        const message = (event as ErrorEvent).message ?? '';
        const status = upgradeStatusOf(message);
        if (status === 401 || status === 403) fail(new CredentialRefused(status));
        else fail(new ConnectFailed(message || `cannot connect to ${url}`));
      },
      { once: true },
    );
    socket.addEventListener(
      'close',
      (event) =>
        fail(
          new ConnectFailed(
            `closed before opening (${event.code}${event.reason ? `: ${event.reason}` : ''})`,
          ),
        ),
      { once: true },
    );
    socket.addEventListener(
      'open',
      () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const closed = new Promise<{ code: number; reason: string }>((done) =>
          socket.addEventListener('close', (event) => done({ code: event.code, reason: event.reason }), {
            once: true,
          }),
        );
        const peer = createAgentPeer(socket, { logger });
        peer.handleAll(handlers);
        resolve({ peer: attachWebSocket(socket, peer), closed });
      },
      { once: true },
    );
  });
}
