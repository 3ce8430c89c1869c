import { RedisClient } from 'bun';

/**
 * Expiring counters for rate limits, shared between replicas through Redis when `REDIS_URL` is
 * set, kept in the process otherwise.
 */
export interface CounterStore {
  readonly kind: 'redis' | 'memory';
  /**
   * Adds one and returns the new count, atomically across callers and replicas; the window starts
   * at the first hit and is never extended, so a key always expires.
   */
  hit(key: string, windowSec: number): Promise<number>;
  /** Takes one back (never below zero, never reviving an expired key). */
  release(key: string): Promise<void>;
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

  /** `now` is the clock windows are measured with (tests move it instead of waiting). */
  constructor(private readonly now: () => number = Date.now) {}

  private live(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async hit(key: string, windowSec: number): Promise<number> {
    const entry = this.live(key);
    if (entry) return ++entry.count;
    if (this.entries.size > 100_000) this.sweep();
    this.entries.set(key, { count: 1, expiresAt: this.now() + windowSec * 1000 });
    return 1;
  }

  async release(key: string): Promise<void> {
    const entry = this.live(key);
    if (entry && entry.count > 0) entry.count--;
  }

  async get(key: string): Promise<number> {
    return this.live(key)?.count ?? 0;
  }

  async ttl(key: string): Promise<number> {
    const entry = this.live(key);
    return entry ? Math.ceil((entry.expiresAt - this.now()) / 1000) : 0;
  }

  async reset(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  close(): void {}

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

// One script, so the count and its expiry are set together: a crash between an INCR and its EXPIRE
// would leave a key without expiry, i.e. a lock-out that never ends. A key found without an
// expiry (from an older version) gets one.
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

// DECR on a missing key would create one at -1 without expiry.
const RELEASE = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

/** Counters in Redis, changed by Lua scripts so each change is atomic. */
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
    return Number(await this.client.send('EVAL', [HIT, '1', this.prefix + key, String(windowSec)]));
  }

  async release(key: string): Promise<void> {
    await this.client.send('EVAL', [RELEASE, '1', this.prefix + key]);
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
