import type { LoginRequest, Me, TokenPair } from '@paddock/protocol/api/auth';
import type { Kysely } from 'kysely';
import type { CounterStore } from '../../cache/counter-store.ts';
import type { Conn, DB } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { auditAnonymousRefusal } from '../audit/anonymous-refusals.ts';
import { auditedChange, writeAudit } from '../audit/service.ts';
import * as users from '../users/repository.ts';
import { verifyPassword } from './password.ts';
import type { Principal } from './principal.ts';
import * as refresh from './refresh-repository.ts';
import { hashToken, randomToken } from './tokens.ts';

/** Signs and checks access tokens; the HTTP layer provides it (@elysiajs/jwt). */
export interface AccessTokenSigner {
  sign(claims: { sub: string; typ: 'access'; jti: string; sid: string }): Promise<string>;
  verify(token: string): Promise<Record<string, unknown> | false>;
}

export interface AuthSettings {
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  loginMaxFailures: number;
  loginAddressMaxFailures: number;
  loginUserMaxFailures: number;
  loginWindowSec: number;
}

/** Where a login comes from. */
export interface RequestMeta {
  ip: string | null;
  requestId: string | null;
}

/** Login, refresh-token rotation, logout and resolving access tokens to principals. */
export class AuthService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly signer: AccessTokenSigner,
    private readonly counters: CounterStore,
    private readonly settings: AuthSettings,
  ) {}

  /**
   * Each attempt is counted BEFORE its password is checked, with an atomic increment, so parallel
   * guesses cannot all pass a check made before any of them failed: past a limit, no password is
   * verified at all. Three limits, checked in order, each counting only what passed the previous:
   * per address, per user from one address (what an attacker locks out is their own address, not
   * the user), and per user over all addresses (a guess spread over many addresses is slowed, and
   * its lock ends with the window). A successful login gives its attempts back.
   */
  async login(input: LoginRequest, meta: RequestMeta): Promise<TokenPair> {
    const address = meta.ip ?? 'unknown';
    const username = input.username.toLowerCase();
    const actor: Actor = { userId: null, username: input.username, ...meta, action: 'auth:login' };
    const limits = [
      { key: `login:ip:${address}`, max: this.settings.loginAddressMaxFailures },
      { key: `login:user-ip:${username}:${address}`, max: this.settings.loginMaxFailures },
      { key: `login:user:${username}`, max: this.settings.loginUserMaxFailures },
    ];
    for (const { key, max } of limits) {
      if ((await this.counters.hit(key, this.settings.loginWindowSec)) <= max) continue;
      const retryAfterSec = Math.max(await this.counters.ttl(key), 1);
      await auditAnonymousRefusal(
        this.db,
        this.counters,
        actor,
        { targetType: 'user', detail: { reason: 'throttled' } },
        'denied',
      );
      throw audited(
        new AppError('TOO_MANY_ATTEMPTS', `too many failed logins; try again in ${retryAfterSec} s`, {
          retryAfterSec,
        }),
      );
    }
    const user = await users.findUserByUsername(this.db, input.username);
    const ok = await verifyPassword(input.password, user?.password_hash);
    if (!user || !ok || !user.enabled) {
      const reason = !user ? 'unknown user' : !ok ? 'wrong password' : 'user disabled';
      await writeAudit(
        this.db,
        { ...actor, userId: user?.id ?? null },
        { targetType: 'user', targetId: user?.id, detail: { reason } },
        'failure',
      );
      throw audited(new AppError('INVALID_CREDENTIALS', 'wrong username or password'));
    }
    const [byAddress, byUserAndAddress, byUser] = limits.map((l) => l.key) as [string, string, string];
    await Promise.all([
      this.counters.release(byAddress),
      this.counters.reset(byUserAndAddress),
      this.counters.release(byUser),
    ]);
    const familyId = crypto.randomUUID();
    return auditedChange(this.db, { ...actor, userId: user.id, username: user.username }, async (trx) => {
      await users.updateUser(trx, user.id, { last_login_at: new Date() });
      const refreshToken = await this.issueRefresh(trx, user.id, familyId, meta.ip);
      return {
        result: await this.tokenPair(user.id, familyId, refreshToken, trx),
        audit: { targetType: 'user', targetId: user.id, detail: {} },
      };
    });
  }

  /**
   * Rotates a refresh token. Presenting one that was already rotated means it was stolen or
   * replayed: the whole family (every token since that login) is revoked.
   */
  async refresh(token: string, meta: RequestMeta): Promise<TokenPair> {
    const outcome = await this.db.transaction().execute(async (trx) => {
      const row = await refresh.findRefreshTokenForUpdate(trx, hashToken(token));
      if (!row) return { error: new AppError('UNAUTHENTICATED', 'unknown refresh token') };
      if (row.replaced_by || row.revoked_at) {
        await refresh.revokeFamily(trx, row.family_id);
        return {
          error: new AppError(
            'TOKEN_REUSED',
            'refresh token was already used; all sessions of that login are revoked',
          ),
          userId: row.user_id,
        };
      }
      if (new Date(row.expires_at).getTime() <= Date.now())
        return { error: new AppError('TOKEN_EXPIRED', 'refresh token expired') };
      const user = await users.findUserById(trx, row.user_id);
      if (!user?.enabled) return { error: new AppError('UNAUTHENTICATED', 'user is disabled or deleted') };
      const next = await this.issueRefresh(trx, row.user_id, row.family_id, meta.ip);
      await refresh.markReplaced(trx, row.id, next.id);
      return { token: next.token, userId: row.user_id, familyId: row.family_id };
    });
    if (outcome.error) {
      // Reuse detection must survive the error: the family revocation above was committed.
      if (outcome.error.code === 'TOKEN_REUSED') {
        await writeAudit(
          this.db,
          { userId: outcome.userId ?? null, username: null, ...meta, action: 'auth:refresh' },
          { targetType: 'user', targetId: outcome.userId, detail: { reason: 'refresh token reuse' } },
          'denied',
        );
        audited(outcome.error);
      }
      throw outcome.error;
    }
    return this.tokenPair(outcome.userId!, outcome.familyId!, { token: outcome.token! });
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored (idempotent). */
  async logout(token: string, actor: Actor): Promise<void> {
    await auditedChange(this.db, actor, async (trx) => {
      const row = await refresh.findRefreshTokenForUpdate(trx, hashToken(token));
      if (row) await refresh.revokeFamily(trx, row.family_id);
      return {
        result: undefined,
        audit: { targetType: 'user', targetId: row?.user_id ?? actor.userId, detail: {} },
      };
    });
  }

  /** Drops refresh tokens expired for over a day (kept that long to detect reuse); run periodically. */
  async purgeExpiredRefreshTokens(): Promise<void> {
    await refresh.purgeExpired(this.db);
  }

  /** Resolves a bearer access token to the user behind it, refusing disabled or deleted users. */
  async authenticate(accessToken: string): Promise<Principal> {
    const claims = await this.signer.verify(accessToken).catch(() => false as const);
    if (!claims || claims.typ !== 'access' || typeof claims.sub !== 'string') {
      throw new AppError('UNAUTHENTICATED', 'invalid or expired access token');
    }
    const sessionId = typeof claims.sid === 'string' ? claims.sid : undefined;
    const [principal, ended] = await Promise.all([
      this.principalOf(claims.sub),
      sessionId ? this.sessionEnded(sessionId) : false,
    ]);
    if (!principal)
      throw new AppError('UNAUTHENTICATED', 'the user of this token is disabled or no longer exists');
    // Signing out ends the access tokens of that login too, not only its refresh token.
    if (ended) throw new AppError('UNAUTHENTICATED', 'this session was signed out');
    return { ...principal, ...(sessionId && { sessionId }) };
  }

  /** Whether a login (refresh-token family) was signed out or revoked. */
  sessionEnded(sessionId: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(sessionId)) return Promise.resolve(true);
    return refresh.familyRevoked(this.db, sessionId);
  }

  /** The user with their effective permissions, or undefined when missing or disabled. */
  async principalOf(userId: string, conn: Conn = this.db): Promise<Principal | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(userId)) return undefined;
    const [user, permissions] = await Promise.all([
      users.findUserById(conn, userId),
      users.permissionsOfUser(conn, userId),
    ]);
    if (!user?.enabled) return undefined;
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      displayName: user.display_name,
      roles: user.roles,
      permissions: new Set(permissions),
    };
  }

  /** The API view of a principal. */
  static toMe(principal: Principal): Me {
    return {
      id: principal.id,
      username: principal.username,
      email: principal.email,
      displayName: principal.displayName,
      roles: principal.roles,
      permissions: [...principal.permissions].sort(),
    };
  }

  private async issueRefresh(db: Conn, userId: string, familyId: string, ip: string | null) {
    const token = randomToken('pdr');
    const id = crypto.randomUUID();
    await refresh.insertRefreshToken(db, {
      id,
      user_id: userId,
      family_id: familyId,
      token_hash: hashToken(token),
      expires_at: new Date(Date.now() + this.settings.refreshTokenTtlSec * 1000),
      created_ip: ip,
    });
    return { id, token };
  }

  private async tokenPair(
    userId: string,
    sessionId: string,
    refreshToken: { token: string },
    conn: Conn = this.db,
  ): Promise<TokenPair> {
    const principal = await this.principalOf(userId, conn);
    if (!principal) throw new AppError('UNAUTHENTICATED', 'user is disabled or deleted');
    const accessToken = await this.signer.sign({
      sub: userId,
      typ: 'access',
      jti: crypto.randomUUID(),
      sid: sessionId,
    });
    return {
      accessToken,
      refreshToken: refreshToken.token,
      expiresIn: this.settings.accessTokenTtlSec,
      tokenType: 'Bearer',
      user: AuthService.toMe(principal),
    };
  }
}

// The service wrote the audit record itself; the HTTP layer must not add a second one.
function audited(error: AppError): AppError {
  error.audited = true;
  return error;
}
