import { InjectionToken } from '@angular/core';

const STORAGE_KEY = 'paddock.apiBase';

/**
 * Origin (plus optional path prefix) that relative API paths are resolved against. Empty means
 * the page's own origin, which is how the appliance serves the console. The Electron shell sets
 * `paddock.apiBase` in localStorage to point the same build at a remote appliance.
 */
export const API_BASE = new InjectionToken<string>('API_BASE', {
  providedIn: 'root',
  factory: () => (localStorage.getItem(STORAGE_KEY) ?? '').trim().replace(/\/+$/, ''),
});

/** True for app-relative paths (`/api/...`, `/healthz`), which go to the appliance. */
export function isAppliancePath(url: string): boolean {
  return url.startsWith('/') && !url.startsWith('//');
}
