/** Why the link is down, as a closed list (a metrics label and a log field). */
export type LinkFailure =
  /** The appliance refused the credential (HTTP 401/403 on the upgrade, or UNAUTHORIZED on register). */
  | 'refused'
  /** No TCP/TLS connection, or the upgrade failed for another reason. */
  | 'unreachable'
  /** An open link closed (appliance restart, network cut). */
  | 'closed'
  /** `agent.register` failed or timed out. */
  | 'register_failed';

/** What the link reports as it goes; the metrics exporter implements it. */
export interface LinkObserver {
  /** A connection attempt starts; `attempt` counts from 1 since the agent started. */
  connecting(attempt: number): void;
  /** Registered: the link is usable. */
  connected(nodeId: string): void;
  /** The link is down, or an attempt failed. */
  failed(reason: LinkFailure, message: string): void;
  /** One heartbeat went out. */
  heartbeatSent(): void;
}
