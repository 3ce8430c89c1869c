/**
 * Remembers which rows live events changed, and when, so that a list loaded over HTTP does not put
 * back the older state the server had when the request left. The race is real: a VM's status event
 * makes its page reload the VM's tasks while the task's own "succeeded" event overtakes that answer;
 * the stale "running" row would then stay on screen for good.
 *
 * A counter, not the clock: only the order of events and requests on this page matters.
 */
export class LiveStamps {
  private readonly stamps = new Map<string, { at: number; deleted: boolean }>();
  private clock = 0;

  /** Call for every live event applied to row `id` (`deleted` when the event removed it). */
  touch(id: string, deleted = false): void {
    this.stamps.set(id, { at: ++this.clock, deleted });
  }

  /** Call just before sending a load; give its answer and the mark to `merge`. */
  mark(): number {
    return this.clock;
  }

  /**
   * The loaded rows, except those a live event changed after `mark`: those keep what is shown, and
   * those it deleted stay gone.
   */
  merge<T extends { id: string }>(mark: number, loaded: readonly T[], shown: readonly T[]): T[] {
    const current = new Map(shown.map((row) => [row.id, row]));
    const merged: T[] = [];
    for (const row of loaded) {
      const stamp = this.stamps.get(row.id);
      if (!stamp || stamp.at <= mark) merged.push(row);
      else if (!stamp.deleted) merged.push(current.get(row.id) ?? row);
    }
    return merged;
  }

  /** True when a live event changed row `id` after `mark`. */
  changedSince(id: string, mark: number): boolean {
    return (this.stamps.get(id)?.at ?? 0) > mark;
  }
}
