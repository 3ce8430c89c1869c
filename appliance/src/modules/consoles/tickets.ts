import { randomToken } from '../auth/tokens.ts';

/** What a console ticket opens. */
export interface ConsoleTarget {
  vmId: string;
  uuid: string;
  nodeId: string;
  kind: 'vnc' | 'serial';
  userId: string | null;
  username: string | null;
  /** The login the ticket was issued under: the console ends when it signs out. */
  sessionId?: string;
}

const TTL_MS = 60_000;

/**
 * Single-use, short-lived console tickets. The WebSocket that presents one needs no other
 * credential (browsers cannot put headers on a WebSocket), so a ticket is spent on first use and
 * expires after a minute. Kept in memory: a console is opened on the replica that issued it.
 */
export class ConsoleTickets {
  readonly #tickets = new Map<string, ConsoleTarget & { expiresAt: number }>();

  issue(target: ConsoleTarget): { ticket: string; expiresAt: Date } {
    this.#sweep();
    const ticket = randomToken('pdc');
    const expiresAt = Date.now() + TTL_MS;
    this.#tickets.set(ticket, { ...target, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** The target of a valid ticket, which is spent by this call; undefined otherwise. */
  redeem(ticket: string): ConsoleTarget | undefined {
    const entry = this.#tickets.get(ticket);
    this.#tickets.delete(ticket);
    if (!entry || entry.expiresAt < Date.now()) return undefined;
    const { expiresAt: _e, ...target } = entry;
    return target;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [ticket, entry] of this.#tickets) if (entry.expiresAt < now) this.#tickets.delete(ticket);
  }
}
