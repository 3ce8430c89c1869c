import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';

/** What the user chose; `system` follows the operating system's `prefers-color-scheme`. */
export type ThemeMode = 'light' | 'dark' | 'system';
/** What is shown. */
export type Theme = 'light' | 'dark';

export const THEME_MODES: readonly ThemeMode[] = ['light', 'dark', 'system'];

const STORAGE_KEY = 'paddock.theme';
const LINK_ID = 'pd-dark-theme';
// angular.json builds ng-zorro's dark theme as this separate, non-injected bundle.
const DARK_HREF = 'dark.css';
// A stylesheet that never answers must not hold the first render back for long.
const LOAD_TIMEOUT_MS = 3000;

/**
 * Light or dark. The dark theme is ng-zorro's complete dark stylesheet, linked after the light one
 * (so it wins) only while dark is shown: light users never download it. `data-theme` on <html>
 * lets our own CSS follow, and `color-scheme` makes scrollbars and form controls match.
 */
@Injectable({ providedIn: 'root' })
export class ThemeService {
  private readonly media = window.matchMedia('(prefers-color-scheme: dark)');
  private readonly systemDark = signal(this.media.matches);
  private readonly chosen = signal<ThemeMode>(storedMode());

  readonly mode = this.chosen.asReadonly();
  readonly theme = computed<Theme>(() => {
    const mode = this.chosen();
    return mode === 'system' ? (this.systemDark() ? 'dark' : 'light') : mode;
  });

  constructor() {
    const onChange = (event: MediaQueryListEvent) => {
      this.systemDark.set(event.matches);
      void this.apply();
    };
    this.media.addEventListener('change', onChange);
    inject(DestroyRef).onDestroy(() => this.media.removeEventListener('change', onChange));
  }

  /** Applies the stored choice; resolves once the dark stylesheet (if needed) has loaded. */
  init(): Promise<void> {
    return this.apply();
  }

  use(mode: ThemeMode): Promise<void> {
    localStorage.setItem(STORAGE_KEY, mode);
    this.chosen.set(mode);
    return this.apply();
  }

  private apply(): Promise<void> {
    const theme = this.theme();
    const root = document.documentElement;
    root.dataset['theme'] = theme;
    root.style.colorScheme = theme;
    const existing = document.getElementById(LINK_ID);
    if (theme === 'light') {
      existing?.remove();
      return Promise.resolve();
    }
    if (existing) return Promise.resolve();
    const link = document.createElement('link');
    link.id = LINK_ID;
    link.rel = 'stylesheet';
    link.href = DARK_HREF;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, LOAD_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      link.addEventListener('load', done, { once: true });
      link.addEventListener('error', done, { once: true });
      document.head.appendChild(link);
    });
  }
}

function storedMode(): ThemeMode {
  const stored = localStorage.getItem(STORAGE_KEY);
  return stored === 'light' || stored === 'dark' || stored === 'system' ? stored : 'system';
}
