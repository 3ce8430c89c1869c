import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { RedisClient } from 'bun';
import { AppError } from '../src/errors.ts';
import { createSigner } from '../src/services.ts';
import { MemoryCounterStore, RedisCounterStore } from '../src/cache/counter-store.ts';
import { AuthService } from '../src/modules/auth/service.ts';
import { ADMIN_PASSWORD, createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

const REDIS_URL = process.env.PADDOCK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PER_USER_AND_ADDRESS = 3;
const PER_USER = 6;

/** The outcome of one login attempt: its HTTP-equivalent status. */
async function attempt(auth: AuthService, username: string, password: string, ip: string): Promise<number> {
  try {
    await auth.login({ username, password }, { ip, requestId: null });
    return 200;
  } catch (error) {
    if (error instanceof AppError) return error.status;
    throw error;
  }
}

const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

for (const dialect of DIALECTS) {
  describe(`login throttle on ${dialect}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, {
        PADDOCK_LOGIN_MAX_FAILURES: String(PER_USER_AND_ADDRESS),
        PADDOCK_LOGIN_USER_MAX_FAILURES: String(PER_USER),
      });
    });
    afterAll(() => t.close());

    test('parallel wrong guesses from one address: at most N are verified, the rest refused unverified', async () => {
      const username = unique('par');
      await t.userWithRoles(username, ['viewer']);
      const ip = '198.51.100.7';
      const statuses = await Promise.all(
        Array.from({ length: 25 }, () => attempt(t.services.auth, username, 'wrong-password', ip)),
      );
      // A 401 means the password was checked; everything past the limit must be a 429 without a check.
      expect(count(statuses, 401)).toBe(PER_USER_AND_ADDRESS);
      expect(count(statuses, 429)).toBe(25 - PER_USER_AND_ADDRESS);
      // The right password is refused too while the address is locked for this user.
      expect(await attempt(t.services.auth, username, 'user-pass-123', ip)).toBe(429);
    });

    test('an address locked out for admin does not lock admin out from another address', async () => {
      const attacker = '203.0.113.66';
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push(await attempt(t.services.auth, 'admin', 'guess', attacker));
      expect(count(statuses, 401)).toBe(PER_USER_AND_ADDRESS);
      expect(await attempt(t.services.auth, 'admin', ADMIN_PASSWORD, attacker)).toBe(429);
      expect(await attempt(t.services.auth, 'admin', ADMIN_PASSWORD, '192.0.2.10')).toBe(200);
      // The admin's own successful logins do not use up their address's budget.
      for (let i = 0; i < 10; i++)
        expect(await attempt(t.services.auth, 'admin', ADMIN_PASSWORD, '192.0.2.10')).toBe(200);
    });

    test('a guess spread over many addresses is limited per user', async () => {
      const username = unique('dist');
      await t.userWithRoles(username, ['viewer']);
      const verified: number[] = [];
      for (let a = 0; a < 10; a++) {
        for (let i = 0; i < PER_USER_AND_ADDRESS; i++)
          verified.push(await attempt(t.services.auth, username, 'wrong', `10.9.${a}.1`));
      }
      expect(count(verified, 401)).toBe(PER_USER);
      expect(await attempt(t.services.auth, username, 'user-pass-123', '10.9.99.1')).toBe(429);
    });

    test('a lock-out ends when its window does, and says when that is', async () => {
      let now = Date.now();
      const windowSec = 900;
      const auth = new AuthService(
        t.ctx.db,
        createSigner('test-secret', 60),
        new MemoryCounterStore(() => now),
        { ...t.ctx.config, loginWindowSec: windowSec },
      );
      const username = unique('exp');
      await t.userWithRoles(username, ['viewer']);
      for (let i = 0; i < PER_USER_AND_ADDRESS; i++)
        expect(await attempt(auth, username, 'wrong', '10.1.1.1')).toBe(401);
      const refused = await auth
        .login({ username, password: 'user-pass-123' }, { ip: '10.1.1.1', requestId: null })
        .catch((e: AppError) => e);
      expect(refused).toBeInstanceOf(AppError);
      const retryAfterSec = Number((refused as AppError).details?.retryAfterSec);
      expect(retryAfterSec).toBeGreaterThan(0);
      expect(retryAfterSec).toBeLessThanOrEqual(windowSec);
      // Refused attempts do not extend the lock.
      now += (windowSec - 1) * 1000;
      expect(await attempt(auth, username, 'user-pass-123', '10.1.1.1')).toBe(429);
      now += 1000;
      expect(await attempt(auth, username, 'user-pass-123', '10.1.1.1')).toBe(200);
    });

    test('a throttled address writes a bounded number of audit rows', async () => {
      const username = unique('flood');
      await t.userWithRoles(username, ['viewer']);
      for (let i = 0; i < 60; i++) await attempt(t.services.auth, username, 'wrong', '198.51.100.99');
      const rows = await t.ctx.db
        .selectFrom('audit_logs')
        .select('outcome')
        .where('username', '=', username)
        .where('action', '=', 'auth:login')
        .execute();
      expect(rows.filter((r) => r.outcome === 'failure')).toHaveLength(PER_USER_AND_ADDRESS);
      expect(rows.length).toBeLessThan(30);
    });
  });
}

describe('login throttle on Redis', () => {
  let t: TestApp;
  let redis: RedisClient;
  beforeAll(async () => {
    redis = new RedisClient(REDIS_URL);
    await redis.connect();
    t = await createTestApp('pglite', {
      REDIS_URL,
      PADDOCK_LOGIN_MAX_FAILURES: String(PER_USER_AND_ADDRESS),
      PADDOCK_LOGIN_USER_MAX_FAILURES: String(PER_USER),
    });
  });
  afterAll(async () => {
    await t.close();
    redis.close();
  });

  test('parallel wrong guesses against two replicas: at most N are verified', async () => {
    const username = unique('rpar');
    await t.userWithRoles(username, ['viewer']);
    const replica = new AuthService(
      t.ctx.db,
      createSigner('test-secret', 60),
      new RedisCounterStore(REDIS_URL),
      t.ctx.config,
    );
    const ip = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        attempt(i % 2 ? replica : t.services.auth, username, 'wrong-password', ip),
      ),
    );
    expect(count(statuses, 401)).toBe(PER_USER_AND_ADDRESS);
    expect(count(statuses, 429)).toBe(20 - PER_USER_AND_ADDRESS);
  });

  test('every counter key carries an expiry, so none can lock anyone out forever', async () => {
    const username = unique('rttl');
    const ip = '198.19.0.1';
    for (let i = 0; i < 5; i++) await attempt(t.services.auth, username, 'wrong', ip);
    const keys = await redis.keys(`paddock:login:*${username}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(await redis.ttl(key)).toBeGreaterThan(0);
  });
});
