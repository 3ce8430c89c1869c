import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { ADMIN_PASSWORD, createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';

const b64url = (v: object | string) =>
  Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

for (const dialect of DIALECTS) {
  describe(`auth on ${dialect}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { PADDOCK_LOGIN_MAX_FAILURES: '3' });
    });
    afterAll(() => t.close());

    test('login returns a short-lived access token and a refresh token', async () => {
      const res = await t.request('POST', '/api/auth/login', {
        body: { username: 'admin', password: ADMIN_PASSWORD },
      });
      expect(res.status).toBe(200);
      expect(res.json.expiresIn).toBeLessThanOrEqual(900);
      expect(res.json.user.username).toBe('admin');
      expect(res.json.user.permissions).toContain('*');
      const claims = JSON.parse(Buffer.from(res.json.accessToken.split('.')[1], 'base64url').toString());
      expect(claims.exp - claims.iat).toBeLessThanOrEqual(900);
      const me = await t.request('GET', '/api/auth/me', { token: res.json.accessToken });
      expect(me.status).toBe(200);
      expect(me.json.username).toBe('admin');
    });

    test('the password is stored as an argon2id hash', async () => {
      const row = await t.ctx.db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow();
      expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
    });

    test('wrong passwords are refused, then throttled, and recorded in the audit log', async () => {
      await t.userWithRoles('victim', ['viewer']);
      for (let i = 0; i < 3; i++) {
        const res = await t.request('POST', '/api/auth/login', {
          body: { username: 'victim', password: 'wrong-password' },
        });
        expect(res.status).toBe(401);
        expect(res.json.error.code).toBe('INVALID_CREDENTIALS');
      }
      const throttled = await t.request('POST', '/api/auth/login', {
        body: { username: 'victim', password: 'user-pass-123' },
      });
      expect(throttled.status).toBe(429);
      expect(throttled.json.error.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      const audit = await t.ctx.db
        .selectFrom('audit_logs')
        .selectAll()
        .where('username', '=', 'victim')
        .where('action', '=', 'auth:login')
        .execute();
      expect(audit.filter((a) => a.outcome === 'failure')).toHaveLength(3);
      expect(audit.filter((a) => a.outcome === 'denied')).toHaveLength(1);
      await t.ctx.counters.reset('login:user-ip:victim:unknown');
    });

    test('refresh rotates; reusing a spent refresh token revokes the whole chain', async () => {
      const first = await t.login();
      const second = await t.request('POST', '/api/auth/refresh', {
        body: { refreshToken: first.refreshToken },
      });
      expect(second.status).toBe(200);
      expect(second.json.refreshToken).not.toBe(first.refreshToken);
      const third = await t.request('POST', '/api/auth/refresh', {
        body: { refreshToken: second.json.refreshToken },
      });
      expect(third.status).toBe(200);
      const replay = await t.request('POST', '/api/auth/refresh', {
        body: { refreshToken: first.refreshToken },
      });
      expect(replay.status).toBe(401);
      expect(replay.json.error.code).toBe('TOKEN_REUSED');
      const afterRevoke = await t.request('POST', '/api/auth/refresh', {
        body: { refreshToken: third.json.refreshToken },
      });
      expect(afterRevoke.status).toBe(401);
      // Another login's session is untouched.
      const other = await t.login();
      expect(
        (await t.request('POST', '/api/auth/refresh', { body: { refreshToken: other.refreshToken } })).status,
      ).toBe(200);
    });

    test('logout ends the session of its refresh token', async () => {
      const session = await t.login();
      const out = await t.request('POST', '/api/auth/logout', {
        body: { refreshToken: session.refreshToken },
      });
      expect(out.status).toBe(204);
      const res = await t.request('POST', '/api/auth/refresh', {
        body: { refreshToken: session.refreshToken },
      });
      expect(res.status).toBe(401);
    });

    test('refresh tokens expired for over a day are purged; recently expired ones are kept for reuse detection', async () => {
      const login = async () =>
        (
          await t.request('POST', '/api/auth/login', {
            body: { username: 'admin', password: ADMIN_PASSWORD },
          })
        ).json.refreshToken as string;
      await login();
      await login();
      const rows = await t.ctx.db
        .selectFrom('refresh_tokens')
        .select('id')
        .orderBy('created_at', 'desc')
        .limit(2)
        .execute();
      const [recent, old] = rows.map((r) => r.id);
      const ago = (hours: number) => new Date(Date.now() - hours * 3600_000);
      await t.ctx.db
        .updateTable('refresh_tokens')
        .set({ expires_at: ago(1) })
        .where('id', '=', recent!)
        .execute();
      await t.ctx.db
        .updateTable('refresh_tokens')
        .set({ expires_at: ago(48) })
        .where('id', '=', old!)
        .execute();
      await t.services.auth.purgeExpiredRefreshTokens();
      const left = await t.ctx.db
        .selectFrom('refresh_tokens')
        .select('id')
        .where('id', 'in', [recent!, old!])
        .execute();
      expect(left.map((r) => r.id)).toEqual([recent!]);
    });

    test('forged, unsigned, expired and malformed access tokens are refused with 401', async () => {
      const { accessToken } = await t.login();
      const [header, payload] = accessToken.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const badSignature = `${header}.${payload}.${b64url('not-the-signature')}`;
      const algNone = `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`;
      const forgedClaims = `${header}.${b64url({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${accessToken.split('.')[2]}`;
      const signer = t.services.auth as unknown as { signer: { sign(c: object): Promise<string> } };
      const expired = await signer.signer.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 });
      const refreshAsAccess = (await t.login()).refreshToken;
      for (const token of [badSignature, algNone, forgedClaims, expired, refreshAsAccess, 'garbage', '']) {
        const res = await t.request('GET', '/api/users', {
          token,
          headers: token ? {} : { authorization: 'Bearer' },
        });
        expect(res.status).toBe(401);
        expect(res.json.error.code).toBe('UNAUTHENTICATED');
      }
    });

    test('tokens of a disabled or deleted user stop working at once', async () => {
      const bob = await t.userWithRoles('bob', ['viewer']);
      const admin = await t.login();
      expect((await t.request('GET', '/api/auth/me', { token: bob.accessToken })).status).toBe(200);
      await t.request('PATCH', `/api/users/${bob.id}`, {
        token: admin.accessToken,
        body: { enabled: false },
      });
      expect((await t.request('GET', '/api/auth/me', { token: bob.accessToken })).status).toBe(401);
      expect(
        (await t.request('POST', '/api/auth/refresh', { body: { refreshToken: bob.refreshToken } })).status,
      ).toBe(401);
      const carol = await t.userWithRoles('carol', ['viewer']);
      await t.request('DELETE', `/api/users/${carol.id}`, { token: admin.accessToken });
      expect((await t.request('GET', '/api/auth/me', { token: carol.accessToken })).status).toBe(401);
    });

    test('changing your own password needs the current one and signs out other sessions', async () => {
      const dave = await t.userWithRoles('dave', ['viewer']);
      // A second sign-in elsewhere: the session the change must end, not the one that made it.
      const other = await t.login('dave', 'user-pass-123');
      expect((await t.request('GET', '/api/auth/me', { token: other.accessToken })).status).toBe(200);
      const wrong = await t.request('POST', '/api/auth/password', {
        token: dave.accessToken,
        body: { currentPassword: 'nope-nope', newPassword: 'new-pass-456' },
      });
      expect(wrong.status).toBe(422);
      expect(wrong.json.error.details.errors[0].field).toBe('currentPassword');
      const ok = await t.request('POST', '/api/auth/password', {
        token: dave.accessToken,
        body: { currentPassword: 'user-pass-123', newPassword: 'new-pass-456' },
      });
      expect(ok.status).toBe(204);
      expect(
        (await t.request('POST', '/api/auth/refresh', { body: { refreshToken: dave.refreshToken } })).status,
      ).toBe(401);
      expect(
        (await t.request('POST', '/api/auth/refresh', { body: { refreshToken: other.refreshToken } })).status,
      ).toBe(401);
      expect((await t.request('GET', '/api/auth/me', { token: other.accessToken })).status).toBe(401);
      await t.login('dave', 'new-pass-456');
    });
  });
}
