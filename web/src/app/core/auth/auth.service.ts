import { HttpClient } from '@angular/common/http';
import { computed, Injectable, inject, signal } from '@angular/core';
import { firstValueFrom, timeout } from 'rxjs';
import { authCallContext } from '../http/request-flags';
import type { AuthTokens, CurrentUser } from './auth.models';
import { SessionStore } from './session.store';

/** Sign-in state of the console: tokens (via SessionStore) and the current user. */
@Injectable({ providedIn: 'root' })
export class AuthService {
  private readonly http = inject(HttpClient);
  private readonly store = inject(SessionStore);
  private readonly currentUser = signal<CurrentUser | null>(null);
  private refreshInFlight: Promise<string> | null = null;

  readonly user = this.currentUser.asReadonly();
  readonly hasSession = computed(() => this.store.session() !== null);

  accessToken(): string | null {
    return this.store.session()?.accessToken ?? null;
  }

  async login(username: string, password: string): Promise<CurrentUser> {
    const tokens = await firstValueFrom(
      this.http.post<AuthTokens>('/api/auth/login', { username, password }, { context: authCallContext() }),
    );
    this.adopt(tokens);
    return tokens.user;
  }

  /**
   * Exchanges the refresh token for a new pair. Concurrent 401s share one call: refresh tokens
   * rotate, so a second parallel refresh would present an already-spent token and end the session.
   */
  refreshAccessToken(): Promise<string> {
    this.refreshInFlight ??= this.refresh().finally(() => {
      this.refreshInFlight = null;
    });
    return this.refreshInFlight;
  }

  /** Loads the user behind the stored tokens (after a reload); null when there is no session. */
  async ensureUser(): Promise<CurrentUser | null> {
    const known = this.currentUser();
    if (known || !this.hasSession()) return known;
    try {
      const user = await firstValueFrom(this.http.get<CurrentUser>('/api/auth/me'));
      this.currentUser.set(user);
      return user;
    } catch {
      return null;
    }
  }

  /** Revokes the refresh token on the appliance, then forgets the session whatever the outcome. */
  async logout(): Promise<void> {
    const refreshToken = this.store.session()?.refreshToken;
    if (refreshToken) {
      await firstValueFrom(
        this.http
          .post<void>('/api/auth/logout', { refreshToken }, { context: authCallContext() })
          .pipe(timeout(5000)),
      ).catch(() => undefined);
    }
    this.endSession();
  }

  /** Forgets the session locally, e.g. once the appliance has refused to refresh it. */
  endSession(): void {
    this.store.clear();
    this.currentUser.set(null);
  }

  private async refresh(): Promise<string> {
    const refreshToken = this.store.session()?.refreshToken;
    if (!refreshToken) throw new Error('No session to refresh');
    const tokens = await firstValueFrom(
      this.http.post<AuthTokens>('/api/auth/refresh', { refreshToken }, { context: authCallContext() }),
    );
    this.adopt(tokens);
    return tokens.accessToken;
  }

  private adopt(tokens: AuthTokens): void {
    this.store.set({
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: Date.now() + tokens.expiresIn * 1000,
    });
    this.currentUser.set(tokens.user);
  }
}
