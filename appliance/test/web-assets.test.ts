/**
 * The console's static files: scripts/gen-web-assets.ts run on a small built console of our own
 * (a temporary directory), then served by the same routes the binary uses. Text files go out
 * precompressed when the client accepts it, as they are otherwise; deep links get index.html
 * uncached; hashed files are cached for a year.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { chooseEncoding } from '../src/http/accept-encoding.ts';
import { accessPlugin } from '../src/http/access.plugin.ts';
import { type WebAsset, webRoutes } from '../src/http/web-assets.ts';
import type { AuthService } from '../src/modules/auth/service.ts';

const GEN = join(import.meta.dir, '..', '..', 'scripts', 'gen-web-assets.ts');
const INDEX = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Paddock</title>${'<link rel="modulepreload" href="chunk-ABCDEFGH.js">'.repeat(20)}</head><body><app-root></app-root><script src="main-ABCD1234.js" type="module"></script></body></html>`;
const MAIN = `export const routes = [${Array.from({ length: 400 }, (_, i) => `{path:'area-${i}',loadChildren:()=>import('./chunk-${i}.js')}`).join(',')}];`;

let dir: string;
let dist: string;
let app: { handle(request: Request): Promise<Response> };

const get = (path: string, acceptEncoding?: string) =>
  app.handle(
    new Request(`http://paddock.test${path}`, {
      headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
    }),
  );

function generate(): void {
  const run = Bun.spawnSync(
    [process.execPath, GEN, '--dist', dist, '--out', join(dir, 'generated', 'web-assets.ts')],
    { stderr: 'pipe', stdout: 'pipe' },
  );
  if (run.exitCode !== 0) throw new Error(`gen-web-assets failed: ${run.stderr.toString()}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paddock-web-assets-'));
  dist = join(dir, 'browser');
  mkdirSync(join(dist, 'media'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'main-ABCD1234.js'), MAIN);
  writeFileSync(join(dist, 'styles-EFGH5678.css'), `body{margin:0}${'.x{color:red}'.repeat(200)}`);
  writeFileSync(
    join(dist, 'favicon.svg'),
    `<svg xmlns="http://www.w3.org/2000/svg">${'<g/>'.repeat(50)}</svg>`,
  );
  writeFileSync(join(dist, 'tiny.txt'), 'a');
  writeFileSync(join(dist, 'media', 'logo.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  generate();
  // A second run (a rebuild without a new ng build) must not take its own .gz/.br for assets.
  generate();
  const generated = (await import(join(dir, 'generated', 'web-assets.ts'))) as {
    webAssets: Record<string, WebAsset>;
  };
  // The console's routes are all `public`: the access plugin never asks the auth service anything.
  app = webRoutes(accessPlugin({} as AuthService), generated.webAssets);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('precompressed console assets', () => {
  test('the build writes .gz and .br next to text files only, and embeds the originals once', async () => {
    const written = readdirSync(dist).sort();
    expect(written).toContain('main-ABCD1234.js.gz');
    expect(written).toContain('main-ABCD1234.js.br');
    expect(written).toContain('index.html.gz');
    expect(written).toContain('favicon.svg.br');
    // One byte grows when compressed; a PNG is compressed already.
    expect(written).not.toContain('tiny.txt.gz');
    expect(existsSync(join(dist, 'media', 'logo.png.gz'))).toBe(false);
    const { webAssets } = (await import(join(dir, 'generated', 'web-assets.ts'))) as {
      webAssets: Record<string, WebAsset>;
    };
    expect(Object.keys(webAssets).sort()).toEqual([
      '/favicon.svg',
      '/index.html',
      '/main-ABCD1234.js',
      '/media/logo.png',
      '/styles-EFGH5678.css',
      '/tiny.txt',
    ]);
  });

  test('gzip is served when accepted, with content-encoding and vary', async () => {
    const res = await get('/main-ABCD1234.js', 'gzip, deflate');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toBe('accept-encoding');
    expect(res.headers.get('content-type')).toStartWith('text/javascript');
    const body = new Uint8Array(await res.arrayBuffer());
    expect(body.length).toBeLessThan(MAIN.length / 4);
    expect(gunzipSync(body).toString()).toBe(MAIN);
  });

  test('brotli is preferred when both are accepted, unless its q-value is lower or 0', async () => {
    const br = await get('/main-ABCD1234.js', 'gzip, deflate, br, zstd');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(new Uint8Array(await br.arrayBuffer())).toString()).toBe(MAIN);
    expect((await get('/main-ABCD1234.js', 'br;q=0, gzip')).headers.get('content-encoding')).toBe('gzip');
    expect((await get('/main-ABCD1234.js', 'br;q=0.5, gzip')).headers.get('content-encoding')).toBe('gzip');
  });

  test('identity when the client accepts no coding we have', async () => {
    for (const accept of [undefined, '', 'identity', 'deflate', 'gzip;q=0, br;q=0']) {
      const res = await get('/main-ABCD1234.js', accept);
      expect({ accept, encoding: res.headers.get('content-encoding') }).toEqual({ accept, encoding: null });
      expect(res.headers.get('vary')).toBe('accept-encoding');
      expect(await res.text()).toBe(MAIN);
    }
  });

  test('a deep link gets index.html, never cached, compressed like the file itself', async () => {
    for (const path of ['/', '/vms/0b7e4f3c-1111-4222-8333-444455556666/console', '/login']) {
      const res = await get(path, 'gzip');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-type')).toBe('text/html;charset=utf-8');
      expect(res.headers.get('content-encoding')).toBe('gzip');
      expect(gunzipSync(new Uint8Array(await res.arrayBuffer())).toString()).toBe(INDEX);
    }
    const plain = await get('/nodes');
    expect(plain.headers.get('cache-control')).toBe('no-cache');
    expect(await plain.text()).toBe(INDEX);
  });

  test('hashed assets are cached for a year, unhashed ones are revalidated', async () => {
    for (const path of ['/main-ABCD1234.js', '/styles-EFGH5678.css']) {
      const res = await get(path, 'br');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    const icon = await get('/favicon.svg', 'gzip');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('content-encoding')).toBe('gzip');
  });

  test('files without variants are sent as they are, without vary', async () => {
    const png = await get('/media/logo.png', 'gzip, br');
    expect(png.headers.get('content-encoding')).toBeNull();
    expect(png.headers.get('vary')).toBeNull();
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
    );
    expect(await (await get('/tiny.txt', 'gzip')).text()).toBe('a');
  });

  test('unknown API paths stay JSON 404s, not the console', async () => {
    const res = await get('/api/no-such-thing', 'gzip');
    expect(res.status).toBe(404);
    expect((await res.json()) as unknown).toEqual({
      error: { code: 'NOT_FOUND', message: 'no such route: /api/no-such-thing' },
    });
  });
});

describe('Accept-Encoding negotiation', () => {
  const both = ['br', 'gzip'] as const;
  test.each([
    [null, undefined],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['GZIP;Q=1', 'gzip'],
    ['*', 'br'],
    ['br;q=0, *', 'gzip'],
    ['*;q=0', undefined],
    ['gzip;q=0.9, br;q=0.8', 'gzip'],
    ['gzip;q=bogus', undefined],
  ] as const)('%p → %p', (header, expected) => {
    expect(chooseEncoding(header, both)).toBe(expected);
  });
  test('only codings the file has are chosen', () => {
    expect(chooseEncoding('br, gzip', ['gzip'])).toBe('gzip');
    expect(chooseEncoding('br', ['gzip'])).toBeUndefined();
    expect(chooseEncoding('gzip', [])).toBeUndefined();
  });
});
