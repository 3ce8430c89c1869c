import { AppError } from '../errors.ts';

/**
 * Routes whose handler reads the raw body as a stream, after authentication and authorization (the
 * parse phase runs before both). Only these may receive more than `maxBodyBytes`; for every other
 * route the body is read here, counted while it arrives, whatever its content type.
 */
const STREAMED_BODY_PATHS = [/^\/api\/storage\/pools\/[^/]+\/upload$/];

/** True for a request to a route that streams its body (see STREAMED_BODY_PATHS). */
export function streamsBody(pathname: string): boolean {
  return STREAMED_BODY_PATHS.some((pattern) => pattern.test(pathname));
}

function tooLarge(limit: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `request bodies are limited to ${limit} bytes`, { limit });
}

/** Refuses at once a body whose announced Content-Length is over `limit`. */
export function assertAnnouncedLength(request: Request, limit: number): void {
  const announced = request.headers.get('content-length');
  if (announced !== null && Number(announced) > limit) throw tooLarge(limit);
}

/**
 * Reads the body as text, counting bytes as they arrive: past `limit` the stream is cancelled and
 * the request refused (413), so a chunked body without Content-Length costs at most `limit` bytes.
 */
export async function readBoundedText(request: Request, limit: number): Promise<string> {
  assertAnnouncedLength(request, limit);
  const body = request.body;
  if (!body) return '';
  const reader = body.getReader();
  const pieces: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      void reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    pieces.push(value);
  }
  const whole = new Uint8Array(total);
  let offset = 0;
  for (const piece of pieces) {
    whole.set(piece, offset);
    offset += piece.byteLength;
  }
  return new TextDecoder().decode(whole);
}

/**
 * Parses a body read by `readBoundedText` by its content type. JSON is what the API speaks; plain
 * text and url-encoded forms are parsed as Elysia would (a route's schema then refuses them with a
 * 422); anything else is a 415 unless empty.
 */
export function parseBodyText(text: string, contentType: string): unknown {
  if (text.trim() === '') return {};
  if (contentType.includes('json')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new AppError('BAD_REQUEST', 'the request body is not valid JSON');
    }
    // A NUL never parses from raw JSON text, only from the escape; PostgreSQL refuses it in text.
    if (text.includes('\\u0000')) assertNoNul(value, 'body');
    return value;
  }
  if (contentType === 'text/plain') {
    if (text.includes('\0')) throw nulIn('body');
    return text;
  }
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = Object.fromEntries(new URLSearchParams(text));
    assertNoNul(form, 'body');
    return form;
  }
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', `bodies of type "${contentType || 'none'}" are not accepted`);
}

function nulIn(field: string): AppError {
  const message = 'must not contain the NUL character (\\u0000)';
  return new AppError('BAD_REQUEST', `${field}: ${message}`, { errors: [{ field, message }] });
}

/**
 * Throws a 400 naming the first string (value or key) holding a NUL. Iterative, so a deeply nested
 * body cannot exhaust the stack.
 */
export function assertNoNul(value: unknown, root: string): void {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\0')) throw nulIn(path);
    } else if (Array.isArray(current)) {
      for (const [i, item] of current.entries()) stack.push([item, `${path}.${i}`]);
    } else if (current && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\0')) throw nulIn(path);
        stack.push([item, `${path}.${key}`]);
      }
    }
  }
}

/**
 * Throws a 400 when the path or a query parameter (name or value) holds a NUL: PostgreSQL refuses
 * it in text, and path parameters even reach the audit record of a refused request.
 */
export function assertUrlHasNoNul(url: string): void {
  if (!/%00|\0/i.test(url)) return;
  const start = url.indexOf('?');
  const path = start === -1 ? url : url.slice(0, start);
  if (/%00|\0/i.test(path)) throw nulIn('path');
  for (const [name, value] of new URLSearchParams(url.slice(start + 1))) {
    if (name.includes('\0') || value.includes('\0')) throw nulIn(`query.${name.replaceAll('\0', '')}`);
  }
}
