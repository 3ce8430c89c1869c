import { AppError } from '../../errors.ts';
import type { Logger } from '../../observability/logger.ts';
import { can, type Principal } from './principal.ts';

/** A long-lived connection (event stream, console) that must end when its user's access does. */
export interface GuardedStream {
  kind: 'events' | 'console';
  userId: string;
  /** The login it was opened under: signing out of it ends the stream. */
  sessionId: string | undefined;
  /** What it needs beyond being signed in. */
  permission?: string;
  /** Ends the connection, telling the client why. */
  close(reason: string): void;
  /** The user's current principal, after each check that keeps the stream open. */
  refresh?(principal: Principal): void;
}

/** What the guard asks about users and logins (AuthService). */
export interface AccessLookup {
  principalOf(userId: string): Promise<Principal | undefined>;
  sessionEnded(sessionId: string): Promise<boolean>;
}

export interface StreamGuardOptions {
  /** Period of the re-check that catches changes no notification announced. */
  recheckMs: number;
  /** Event streams one user may hold open at once on this replica. */
  eventStreamsPerUser: number;
}

/**
 * Keeps open streams in step with their users' access. Requests are authorised one at a time;
 * streams live on, so they are re-checked whenever access changes (`check()`, driven by the
 * NOTIFY every such change sends to all replicas) and every `recheckMs` besides.
 */
export class StreamGuard {
  readonly #streams = new Set<GuardedStream>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(
    private readonly lookup: AccessLookup,
    private readonly logger: Logger,
    private readonly opts: StreamGuardOptions,
  ) {}

  /** Streams open on this replica. */
  get size(): number {
    return this.#streams.size;
  }

  /**
   * Takes a stream under watch; returns the function that releases it. An events stream over the
   * user's limit is refused with 429 before anything is sent.
   */
  admit(stream: GuardedStream, opts: { checkNow?: boolean } = {}): () => void {
    if (stream.kind === 'events') {
      let open = 0;
      for (const s of this.#streams) if (s.kind === 'events' && s.userId === stream.userId) open++;
      if (open >= this.opts.eventStreamsPerUser) {
        throw new AppError(
          'TOO_MANY_STREAMS',
          `at most ${this.opts.eventStreamsPerUser} event streams per user; close one first`,
          { limit: this.opts.eventStreamsPerUser },
        );
      }
    }
    this.#streams.add(stream);
    this.#timer ??= setInterval(() => void this.check(), this.opts.recheckMs);
    // A console opens on a ticket issued up to a minute before: its user may have lost access since.
    if (opts.checkNow) void this.check();
    return () => this.#release(stream);
  }

  /** Re-checks every open stream; calls made while one runs are folded into one more run. */
  check(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#checkAll().catch((err) => this.logger.warn({ err }, 'stream access re-check failed'));
      } while (this.#again);
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Stops the periodic re-check (the streams themselves are closed by the server stopping). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #release(stream: GuardedStream): void {
    this.#streams.delete(stream);
    if (this.#streams.size === 0) this.stop();
  }

  async #checkAll(): Promise<void> {
    const byUser = new Map<string, GuardedStream[]>();
    for (const s of this.#streams) byUser.set(s.userId, [...(byUser.get(s.userId) ?? []), s]);
    for (const [userId, streams] of byUser) {
      const principal = await this.lookup.principalOf(userId);
      const ended = new Map<string, boolean>();
      for (const s of streams) {
        if (s.sessionId && !ended.has(s.sessionId)) {
          ended.set(s.sessionId, await this.lookup.sessionEnded(s.sessionId));
        }
      }
      for (const s of streams) {
        if (!this.#streams.has(s)) continue;
        const reason = !principal
          ? 'your account was disabled or deleted'
          : s.sessionId && ended.get(s.sessionId)
            ? 'you signed out'
            : s.permission && !can(principal, s.permission)
              ? `the permission "${s.permission}" was revoked`
              : undefined;
        if (!reason) {
          s.refresh?.(principal!);
          continue;
        }
        this.#release(s);
        this.logger.info({ userId, kind: s.kind, reason }, 'stream closed: access revoked');
        try {
          s.close(reason);
        } catch (err) {
          this.logger.warn({ err }, 'could not close a revoked stream');
        }
      }
    }
  }
}
