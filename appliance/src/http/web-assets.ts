import { Elysia } from 'elysia';
import { webAssets } from '../generated/web-assets.ts';
import { chooseEncoding, ENCODINGS, type Encoding } from './accept-encoding.ts';
import type { AccessPlugin } from './access.plugin.ts';

const LONG_CACHE = 'public, max-age=31536000, immutable';

/** One console file: the embedded original and the precompressed variants scripts/gen-web-assets.ts wrote. */
export type WebAsset = { file: string } & Partial<Record<Encoding, string>>;

/**
 * Serves the embedded console. Hashed assets are cached for a year; index.html never, and it is the
 * answer for any other non-API GET so the Angular router can handle deep links. Text files were
 * compressed at build time: the variant the client accepts is sent as is, with `content-encoding`
 * and `vary: accept-encoding` so caches keep the variants apart. `assets` defaults to the files
 * embedded in this binary; tests pass their own.
 */
export function webRoutes(access: AccessPlugin, assets: Record<string, WebAsset> = webAssets) {
  const files = new Map(Object.entries(assets));
  const index = files.get('/index.html');
  const send = (path: string, asset: WebAsset, cacheControl: string, request: Request): Response => {
    const available = ENCODINGS.filter((encoding) => asset[encoding] !== undefined);
    const encoding = chooseEncoding(request.headers.get('accept-encoding'), available);
    const headers: Record<string, string> = {
      'cache-control': cacheControl,
      // From the URL, not the embedded file: a variant's own name ends in .gz/.br.
      'content-type': Bun.file(path).type,
    };
    if (available.length > 0) headers.vary = 'accept-encoding';
    if (encoding) headers['content-encoding'] = encoding;
    return new Response(Bun.file((encoding && asset[encoding]) ?? asset.file), { headers });
  };
  const serve = (path: string, request: Request): Response => {
    const asset = files.get(path);
    if (asset) {
      const hashed = /-[A-Za-z0-9_-]{8,}\.(js|css|woff2?)$/.test(path);
      return send(path, asset, hashed ? LONG_CACHE : 'no-cache', request);
    }
    if (!index) {
      return new Response('The web console is not built into this binary (run scripts/build.sh).', {
        status: 404,
      });
    }
    return send('/index.html', index, 'no-cache', request);
  };
  return new Elysia({ detail: { hide: true } })
    .use(access)
    .get('/', ({ request }) => serve('/index.html', request), { access: 'public' })
    .get(
      '/*',
      ({ path, set, request }) => {
        if (path.startsWith('/api/') || path.startsWith('/ws/')) {
          set.status = 404;
          return { error: { code: 'NOT_FOUND', message: `no such route: ${path}` } };
        }
        let decoded: string;
        try {
          decoded = decodeURIComponent(path);
        } catch {
          set.status = 400;
          return { error: { code: 'BAD_REQUEST', message: 'the path is not valid percent-encoded UTF-8' } };
        }
        return serve(decoded, request);
      },
      { access: 'public' },
    );
}
