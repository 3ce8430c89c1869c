import {
  HOSTILE_RAW_BODIES,
  HOSTILE_STRINGS,
  hostileValue,
  type JsonSchema,
  mutateObject,
  Rng,
  validValue,
} from './fuzz-values.ts';

// A property-based fuzzer generated from /api/openapi.json: every operation, as every caller, with
// malformed, boundary, huge, unicode, injection, wrong-type and missing/extra-field input.

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

/** One operation of the OpenAPI document. */
export interface Operation {
  method: string;
  /** The OpenAPI path, `{param}` style. */
  path: string;
  permission: string;
  parameters: Parameter[];
  /** The body's schema, or (when the document has none) the success response's, whose names match. */
  bodySchema?: JsonSchema;
  hasBody: boolean;
}

interface OpenApiOperation {
  'x-permission'?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

/** The operations of an OpenAPI document (WebSocket entries left out: they are no HTTP methods). */
export function operationsOf(doc: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const declared = op.requestBody?.content?.['application/json']?.schema;
      const success = Object.entries(op.responses ?? {}).find(([status]) => status.startsWith('2'))?.[1];
      const fallback = success?.content?.['application/json']?.schema;
      const bodySchema = declared ?? (op.requestBody ? fallback : undefined);
      ops.push({
        method: method.toUpperCase(),
        path,
        permission: op['x-permission'] ?? 'unknown',
        parameters: op.parameters ?? [],
        ...(bodySchema && { bodySchema }),
        hasBody: op.requestBody !== undefined,
      });
    }
  }
  return ops;
}

/** A request the fuzzer sends, kept whole so a failure can be replayed. */
export interface FuzzCase {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  caller: string;
}

const PATH_HOSTILE = [
  '%00',
  '%E0',
  '..%2F..%2Fetc',
  'not-a-uuid',
  '0',
  '-1',
  '%F0%9F%98%80',
  'a'.repeat(300),
];

/** One request for `op`, mostly broken in one or more ways. */
export function fuzzCase(op: Operation, rng: Rng, caller: string, token: string | undefined): FuzzCase {
  const path = op.path.replace(/\{(\w+)\}/g, () => (rng.chance(0.7) ? rng.uuid() : rng.pick(PATH_HOSTILE)));
  const query = new URLSearchParams();
  for (const param of op.parameters.filter((p) => p.in === 'query')) {
    if (!param.required && rng.chance(0.5)) continue;
    const value = rng.chance(0.5) ? validValue(param.schema, rng) : hostileValue(param.schema, rng);
    query.append(param.name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  if (rng.chance(0.15))
    query.append(rng.pick(['extra', 'page', 'sort', '__proto__', 'q']), rng.pick(HOSTILE_STRINGS));
  const qs = query.toString();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = rng.chance(0.03) ? `Bearer ${token.slice(0, -3)}abc` : `Bearer ${token}`;
  let body: string | undefined;
  if (op.hasBody || (op.method !== 'GET' && rng.chance(0.1))) {
    const roll = rng.next();
    if (roll < 0.12) {
      body = rng.pick(HOSTILE_RAW_BODIES);
    } else {
      const valid = validValue(op.bodySchema ?? { type: 'object' }, rng);
      const mutated = roll < 0.25 ? valid : mutateObject(valid, op.bodySchema, rng);
      body = JSON.stringify(mutated);
    }
    headers['content-type'] = rng.chance(0.9)
      ? 'application/json'
      : rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '']);
  }
  return {
    method: op.method,
    url: `${path}${qs ? `?${qs}` : ''}`,
    headers,
    ...(body !== undefined && { body }),
    caller,
  };
}

/** What one request got. */
export interface FuzzResult {
  request: FuzzCase;
  status: number;
  /** Why the answer is wrong, when it is. */
  problem?: string;
}

/** Sends `c`; an answer of 5xx, a 4xx without the error envelope, or no answer is a problem. */
export async function send(base: string, c: FuzzCase): Promise<FuzzResult> {
  let res: Response;
  try {
    res = await fetch(`${base}${c.url}`, {
      method: c.method,
      headers: c.headers,
      ...(c.body !== undefined && { body: c.body }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    return { request: c, status: 0, problem: `no answer: ${(error as Error).message}` };
  }
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('event-stream')) {
    await res.body?.cancel();
    return { request: c, status: res.status };
  }
  const text = await res.text();
  if (res.status >= 500)
    return { request: c, status: res.status, problem: `${res.status}: ${text.slice(0, 300)}` };
  // Bun answers an oversized request line or header block itself, before the app sees the request.
  if (res.status === 431) return { request: c, status: res.status };
  if (res.status >= 400) {
    let code: unknown;
    try {
      code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string') {
      return {
        request: c,
        status: res.status,
        problem: `${res.status} without the error envelope: ${text.slice(0, 200)}`,
      };
    }
  }
  return { request: c, status: res.status };
}

/** Runs `fns` with at most `limit` at once. */
export async function pool<T>(fns: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const out: T[] = new Array(fns.length);
  let next = 0;
  const worker = async () => {
    while (next < fns.length) {
      const i = next++;
      out[i] = await fns[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, fns.length) }, worker));
  return out;
}

/** A request as a line someone can paste into a shell to replay it. */
export function describeCase(c: FuzzCase): string {
  const body =
    c.body === undefined
      ? ''
      : ` body=${JSON.stringify(c.body.length > 300 ? `${c.body.slice(0, 300)}…(${c.body.length} chars)` : c.body)}`;
  return `${c.caller}: ${c.method} ${c.url.length > 300 ? `${c.url.slice(0, 300)}…` : c.url} ${JSON.stringify({ ...c.headers, authorization: undefined })}${body}`;
}

export { Rng };
