import { RedisClient } from 'bun';

/**
 * Expiring counters for rate limits, shared between replicas through Redis when `REDIS_URL` is
 * set, kept in the process otherwise.
 */
export interface CounterStore {
  readonly kind: 'redis' | 'memory';
  /** Adds one and returns the new count; the window starts at the first hit. */
  hit(key: string, windowSec: number): Promise<number>;
  get(key: string): Promise<number>;
  /** Seconds until the key expires (0 when absent). */
  ttl(key: string): Promise<number>;
  reset(key: string): Promise<void>;
  ping(): Promise<boolean>;
  close(): void;
}

/** In-process counters; entries expire lazily. */
export class MemoryCounterStore implements CounterStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, { count: number; expiresAt: number }>();

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async hit(key: string, windowSec: number): Promise<number> {
    const entry = this.live(key);
    if (entry) return ++entry.count;
    if (this.entries.size > 100_000) this.sweep();
    this.entries.set(key, { count: 1, expiresAt: Date.now() + windowSec * 1000 });
    return 1;
  }

  async get(key: string): Promise<number> {
    return this.live(key)?.count ?? 0;
  }

  async ttl(key: string): Promise<number> {
    const entry = this.live(key);
    return entry ? Math.ceil((entry.expiresAt - Date.now()) / 1000) : 0;
  }

  async reset(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  close(): void {}

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

/** Counters in Redis: INCR then EXPIRE NX so the window starts at the first hit. */
export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis';
  private readonly client: RedisClient;

  constructor(
    url: string,
    private readonly prefix = 'paddock:',
  ) {
    this.client = new RedisClient(url, { enableOfflineQueue: true, autoReconnect: true });
  }

  async hit(key: string, windowSec: number): Promise<number> {
    const count = await this.client.incr(this.prefix + key);
    if (count === 1) await this.client.expire(this.prefix + key, windowSec);
    return count;
  }

  async get(key: string): Promise<number> {
    return Number((await this.client.get(this.prefix + key)) ?? 0);
  }

  async ttl(key: string): Promise<number> {
    return Math.max(0, await this.client.ttl(this.prefix + key));
  }

  async reset(key: string): Promise<void> {
    await this.client.del(this.prefix + key);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.send('PING', [])) === 'PONG';
    } catch {
      return false;
    }
  }

  close(): void {
    this.client.close();
  }
}

/** The store the configuration asks for. */
export function createCounterStore(redisUrl?: string, prefix?: string): CounterStore {
  return redisUrl ? new RedisCounterStore(redisUrl, prefix) : new MemoryCounterStore();
}
