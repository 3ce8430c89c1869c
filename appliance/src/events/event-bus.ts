/** Something that changed, for the console's live stream. */
export interface LiveEvent {
  /** `task`, `node` or `vm`. */
  kind: 'task' | 'node' | 'vm';
  id: string;
  /** What a subscriber must be allowed to read to receive it. */
  permission: string;
  data: Record<string, unknown>;
  time: string;
}

type Listener = (event: LiveEvent) => void;

/**
 * In-process fan-out of live events. With several replicas each replica publishes what it does
 * and a PostgreSQL NOTIFY/Redis channel would relay the rest; one process needs neither.
 */
export class EventBus {
  readonly #listeners = new Set<Listener>();

  publish(event: Omit<LiveEvent, 'time'>): void {
    const full = { ...event, time: new Date().toISOString() };
    for (const listener of this.#listeners) {
      try {
        listener(full);
      } catch {
        // A broken subscriber must not stop the others or the publisher.
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }
}
