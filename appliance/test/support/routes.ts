import type { TestApp } from './test-app.ts';

/** A route of the real app with its declared access. */
export interface RouteInfo {
  method: string;
  path: string;
  access: string | undefined;
}

/**
 * Every HTTP route the app serves, read from the app itself (not from a list kept by hand).
 * WebSocket routes are tested over real sockets (agent-link tests).
 */
export function routesOf(t: TestApp): RouteInfo[] {
  return t.app.routes
    .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && r.method !== 'WS')
    .map((r) => ({
      method: r.method,
      path: r.path,
      access: (r.hooks as { detail?: Record<string, string> }).detail?.['x-permission'],
    }));
}

export const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The path with every `:param` replaced (a valid but unknown UUID by default). */
export function concretePath(path: string, value = '00000000-0000-4000-8000-000000000000'): string {
  return path.replace(/:[A-Za-z]+/g, value).replace(/\*$/, 'some/deep/link');
}
