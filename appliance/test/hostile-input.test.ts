import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { apiSession } from './support/served-app.ts';
import { type SpawnedAppliance, spawnAppliance, streamedBody } from './support/spawned-appliance.ts';
import { ADMIN_PASSWORD, createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

// Hostile request bodies and URLs against a real appliance process: the limits that matter are
// Bun.serve's and the process's memory, which an in-process app.handle() never sees.

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
let nextPort = 19700 + Math.floor(Math.random() * 200);

/** Sends `total` bytes chunked; the answer and how much the server let through before answering. */
async function sendHuge(base: string, path: string, contentType: string | undefined, total: number) {
  const { body, sent } = streamedBody(total);
  const headers: Record<string, string> = {};
  if (contentType) headers['content-type'] = contentType;
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
  const text = await res.text();
  return { status: res.status, text, sent: sent() };
}

describe('request bodies on a served appliance (PGlite)', () => {
  let app: SpawnedAppliance;
  let peak = 0;
  let sampler: ReturnType<typeof setInterval> | undefined;
  beforeAll(async () => {
    app = await spawnAppliance('pglite', nextPort++);
    sampler = setInterval(() => {
      if (app.alive()) peak = Math.max(peak, app.rss());
    }, 20);
  });
  afterAll(async () => {
    clearInterval(sampler);
    await app?.stop();
  });

  for (const contentType of [
    'text/plain',
    'application/json',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    undefined,
  ]) {
    test(`an anonymous 1 GiB chunked ${contentType ?? 'untyped'} login body is refused while reading, never buffered`, async () => {
      const before = app.rss();
      peak = before;
      const res = await sendHuge(app.base, '/api/auth/login', contentType, GiB);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.parse(res.text).error.code).toBeString();
      // Reading 1 GiB into memory would show here; the limit is 1 MiB.
      expect(peak - before).toBeLessThan(64 * MiB);
      expect(app.alive()).toBe(true);
    }, 120_000);
  }

  test('a JSON body over the limit, chunked, is a 413 with the envelope', async () => {
    const res = await sendHuge(app.base, '/api/auth/login', 'application/json', 8 * MiB);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('a text/plain body over the limit, chunked, is a 413 with the envelope', async () => {
    const res = await sendHuge(app.base, '/api/auth/login', 'text/plain', 8 * MiB);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('an announced Content-Length over the limit is a 413 whatever the content type', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/json']) {
      const res = await fetch(`${app.base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: 'x'.repeat(2 * MiB),
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    }
  });

  test('an anonymous 1 GiB upload is refused (401) without the body being read', async () => {
    const before = app.rss();
    peak = before;
    const res = await sendHuge(
      app.base,
      '/api/storage/pools/00000000-0000-4000-8000-000000000000/upload?name=a&format=raw',
      'application/octet-stream',
      GiB,
    );
    expect(res.status).toBe(401);
    expect(peak - before).toBeLessThan(64 * MiB);
  }, 120_000);

  test('a small login still works after all that', async () => {
    const { accessToken } = await apiSession(app.base, 'admin', ADMIN_PASSWORD);
    expect(accessToken).toBeString();
  });
});

describe('the server-wide body limit', () => {
  test('an upload announcing more than PADDOCK_MAX_UPLOAD_BYTES is refused before anything is read', async () => {
    const app = await spawnAppliance('pglite', nextPort++, { PADDOCK_MAX_UPLOAD_BYTES: String(64 * MiB) });
    try {
      let got = '';
      const socket = await Bun.connect({
        hostname: '127.0.0.1',
        port: Number(new URL(app.base).port),
        socket: {
          data: (_s, data) => {
            got += data.toString();
          },
        },
      });
      socket.write(
        'POST /api/storage/pools/00000000-0000-4000-8000-000000000000/upload?name=a&format=raw HTTP/1.1\r\n' +
          `host: x\r\ncontent-type: application/octet-stream\r\ncontent-length: ${65 * MiB}\r\n\r\nabc`,
      );
      await waitFor('an answer', async () => got.includes('\r\n'), 10_000);
      expect(got).toStartWith('HTTP/1.1 413');
      socket.end();
    } finally {
      await app.stop();
    }
  }, 90_000);
});

for (const dialect of DIALECTS) {
  describe(`bad input that used to be a 500, on ${dialect}`, () => {
    let t: TestApp;
    let token: string;
    beforeAll(async () => {
      t = await createTestApp(dialect);
      token = (await t.login()).accessToken;
    });
    afterAll(async () => {
      await t?.close();
    });

    const expectEnvelope = (res: { status: number; json: any }, status: number, field?: string) => {
      expect(res.status).toBe(status);
      expect(res.json.error.code).toBeString();
      if (field) expect(JSON.stringify(res.json.error)).toContain(field);
    };

    test('sorting by an Object.prototype name is a 422 naming sort', async () => {
      for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
        expectEnvelope(await t.request('GET', `/api/users?sort=${name}`, { token }), 422, 'sort');
      }
    });

    test('a NUL in a query parameter is a 400 naming it', async () => {
      expectEnvelope(await t.request('GET', '/api/users?q=%00', { token }), 400, 'query.q');
      expectEnvelope(await t.request('GET', '/api/users?q=a%00b', { token }), 400, 'query.q');
      expectEnvelope(await t.request('GET', '/api/audit?q=%00', { token }), 400, 'query.q');
    });

    // It used to reach the audit record of the refusal, whose insert then failed (22021).
    test('a NUL in a path parameter is a 400 naming the path', async () => {
      expectEnvelope(await t.request('POST', '/api/vms/%00/start', { token, body: {} }), 400, 'path');
      expectEnvelope(await t.request('DELETE', '/api/users/a%00b', { token }), 400, 'path');
    });

    test('a path that is not valid percent-encoding is a 400, not a 500', async () => {
      expectEnvelope(await t.request('GET', '/%E0'), 400);
      expectEnvelope(await t.request('GET', '/deep/%C3%28/link'), 400);
    });

    test('a NUL in any JSON string is a 400 naming the field, and nothing is written', async () => {
      const users = (await t.request('GET', '/api/users', { token })).json.total;
      expectEnvelope(
        await t.request('POST', '/api/users', {
          token,
          body: { username: 'nul-user', password: 'user-pass-123', displayName: 'a\u0000b', roles: [] },
        }),
        400,
        'body.displayName',
      );
      expectEnvelope(
        await t.request('POST', '/api/users', {
          token,
          body: { username: 'nul-user', password: 'user-pass-123', roles: ['ad\u0000min'] },
        }),
        400,
        'body.roles.0',
      );
      expectEnvelope(
        await t.request('POST', '/api/roles', {
          token,
          body: { name: 'nul-role', description: '\u0000', permissions: [] },
        }),
        400,
        'body.description',
      );
      expectEnvelope(
        await t.request('POST', '/api/auth/login', {
          body: { username: 'admin', password: 'x\u0000yyyyyyy' },
        }),
        400,
        'body.password',
      );
      expect((await t.request('GET', '/api/users', { token })).json.total).toBe(users);
    });
  });
}
