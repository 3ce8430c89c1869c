import { Elysia } from 'elysia';
import { webAssets } from '../generated/web-assets.ts';
import type { AccessPlugin } from './access.plugin.ts';

const LONG_CACHE = 'public, max-age=31536000, immutable';

/**
 * Serves the embedded console. Hashed assets are cached for a year; index.html never, and it is the
 * answer for any other non-API GET so the Angular router can handle deep links.
 */
export function webRoutes(access: AccessPlugin) {
  const files = new Map(Object.entries(webAssets));
  const index = files.get('/index.html');
  const serve = (path: string): Response => {
    const file = files.get(path);
    if (file) {
      const hashed = /-[A-Za-z0-9_-]{8,}\.(js|css|woff2?)$/.test(path);
      return new Response(Bun.file(file), { headers: { 'cache-control': hashed ? LONG_CACHE : 'no-cache' } });
    }
    if (!index) {
      return new Response('The web console is not built into this binary (run scripts/build.sh).', {
        status: 404,
      });
    }
    return new Response(Bun.file(index), {
      headers: { 'cache-control': 'no-cache', 'content-type': 'text/html; charset=utf-8' },
    });
  };
  return new Elysia({ detail: { hide: true } })
    .use(access)
    .get('/', () => serve('/index.html'), { access: 'public' })
    .get(
      '/*',
      ({ path, set }) => {
        if (path.startsWith('/api/') || path.startsWith('/ws/')) {
          set.status = 404;
          return { error: { code: 'NOT_FOUND', message: `no such route: ${path}` } };
        }
        return serve(decodeURIComponent(path));
      },
      { access: 'public' },
    );
}
