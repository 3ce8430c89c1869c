/** How often node figure events may go out. */
export interface FigureAnnouncerOptions {
  /** A node's figures are announced at most once per this period. */
  minIntervalMs: number;
  /** Pending announcements are sent in batches this often. */
  flushMs: number;
  /** At most this many nodes per batch; the rest wait for the next one. */
  maxPerFlush: number;
}

export const DEFAULT_FIGURE_ANNOUNCER: FigureAnnouncerOptions = {
  minIntervalMs: 10_000,
  flushMs: 1_000,
  maxPerFlush: 50,
};

/**
 * Throttles "this node's figures changed" into live events: each node at most once per
 * `minIntervalMs` (the latest figures win: a node is only marked, the row is read when sent), all
 * nodes together at most `maxPerFlush` per `flushMs`. With 1,000 nodes heartbeating every 30 s
 * that is ~33 events a second at most, sent as 50-node batches read in one query, instead of one
 * query and one event per heartbeat. Status changes are announced at once by the service and
 * reset the node's period (`sent`).
 */
export class FigureAnnouncer {
  readonly #pending = new Set<string>();
  readonly #lastSent = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #flushing = false;

  constructor(
    private readonly send: (nodeIds: string[]) => Promise<void>,
    public options: FigureAnnouncerOptions = DEFAULT_FIGURE_ANNOUNCER,
  ) {}

  /** The node's figures changed: announce them when its period allows. */
  changed(nodeId: string): void {
    this.#pending.add(nodeId);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.flush(), this.options.flushMs);
      // Never keep a process alive just to announce figures.
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /** The node was just announced with everything: its figures are current for a period. */
  sent(nodeId: string, now = Date.now()): void {
    this.#pending.delete(nodeId);
    this.#lastSent.set(nodeId, now);
  }

  forget(nodeId: string): void {
    this.#pending.delete(nodeId);
    this.#lastSent.delete(nodeId);
  }

  /** Sends what is due; returns the node ids sent (tests call it directly). */
  async flush(now = Date.now()): Promise<string[]> {
    if (this.#flushing) return [];
    const due: string[] = [];
    for (const id of this.#pending) {
      if (due.length >= this.options.maxPerFlush) break;
      if (now - (this.#lastSent.get(id) ?? 0) >= this.options.minIntervalMs) due.push(id);
    }
    for (const id of due) this.sent(id, now);
    if (this.#pending.size === 0) this.stop();
    if (due.length === 0) return due;
    this.#flushing = true;
    try {
      await this.send(due);
    } catch {
      // A failed read loses one batch of figure updates; the next heartbeat marks them again.
    } finally {
      this.#flushing = false;
    }
    return due;
  }

  get pending(): number {
    return this.#pending.size;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
