import { Injectable, signal } from '@angular/core';
import type { StoredSession } from './auth.models';

const STORAGE_KEY = 'paddock.session';

/**
 * Keeps the tokens in a signal mirrored to localStorage, so a reload keeps the session and the
 * desktop shell (same storage, different origin per appliance) works the same way.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly state = signal<StoredSession | null>(readStored());
  readonly session = this.state.asReadonly();

  constructor() {
    // Another tab may rotate the refresh token; adopt it instead of later presenting a spent one.
    window.addEventListener('storage', (event) => {
      if (event.key === STORAGE_KEY) this.state.set(readStored());
    });
  }

  set(session: StoredSession): void {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    this.state.set(session);
  }

  clear(): void {
    localStorage.removeItem(STORAGE_KEY);
    this.state.set(null);
  }
}

function readStored(): StoredSession | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.accessToken !== 'string' || typeof parsed.refreshToken !== 'string') return null;
    return {
      accessToken: parsed.accessToken,
      refreshToken: parsed.refreshToken,
      expiresAt: parsed.expiresAt ?? 0,
    };
  } catch {
    return null;
  }
}
