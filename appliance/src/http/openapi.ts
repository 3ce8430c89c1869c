import { toOpenAPISchema } from '@elysiajs/openapi';
import { API_ERRORS } from '@paddock/protocol/api/errors';
import { Elysia } from 'elysia';
import { API_DOCS_HTML } from './openapi-page.ts';

type Json = Record<string, unknown>;
interface Operation extends Json {
  'x-permission'?: string;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content: Record<string, unknown>; required?: boolean; description?: string };
  responses?: Record<string, unknown>;
  security?: Array<Record<string, string[]>>;
}
type PathItem = Record<string, Operation>;

/** The 4xx answers, each a named response carrying the error envelope. */
const ERROR_RESPONSES: Record<string, { name: string; description: string }> = {
  '400': { name: 'BadRequest', description: 'The body is not valid JSON, or a value has the wrong format.' },
  '401': { name: 'Unauthenticated', description: 'Missing, invalid or expired credentials.' },
  '403': { name: 'Forbidden', description: 'Signed in, but without the permission named in `x-permission`.' },
  '404': { name: 'NotFound', description: 'No object with this id (or no such route).' },
  '409': {
    name: 'Conflict',
    description: 'The change conflicts with the current state: a duplicate, a reference, or an offline node.',
  },
  '413': { name: 'PayloadTooLarge', description: 'The JSON body is larger than the appliance accepts.' },
  '422': {
    name: 'ValidationFailed',
    description: 'The body, query or path does not match its schema; `details.errors` names each field.',
  },
  '429': { name: 'TooManyAttempts', description: 'Too many attempts; retry after `Retry-After` seconds.' },
};

// What a route's declaration cannot tell: public routes that still refuse credentials, and limits.
const EXTRA_ERRORS: Record<string, string[]> = {
  'post /api/auth/login': ['401', '429'],
  'post /api/auth/refresh': ['401'],
};

const MUTATING = new Set(['post', 'put', 'patch', 'delete']);

/** The 4xx statuses an operation can answer, from its access, parameters and body. */
function errorStatusesOf(method: string, path: string, op: Operation): string[] {
  const statuses = new Set(EXTRA_ERRORS[`${method} ${path}`]);
  const access = op['x-permission'];
  const secured = access !== 'public' && access !== 'agent';
  if (secured || access === 'agent') statuses.add('401');
  if (secured && access !== 'authenticated') statuses.add('403');
  if (path.includes('{')) statuses.add('404');
  if (op.parameters?.length || op.requestBody) statuses.add('422');
  if (op.requestBody) for (const s of ['400', '413']) statuses.add(s);
  if (MUTATING.has(method) && secured) statuses.add('409');
  return [...statuses].sort();
}

/** A WebSocket route as what it is on the wire: a GET that upgrades. */
function webSocketUpgrade(op: Operation): Operation {
  const ticket = op['x-permission'] === 'public';
  return {
    ...op,
    operationId: String(op.operationId ?? '').replace(/^ws/, 'get'),
    summary: ticket
      ? 'Console stream (WebSocket); authenticated by the single-use ticket in `?ticket=`'
      : 'Agent link (WebSocket); authenticated by the node credential',
    ...(ticket && {
      parameters: [{ name: 'ticket', in: 'query', required: true, schema: { type: 'string' } }],
    }),
    responses: { '101': { description: 'Switching Protocols: the WebSocket is open.' } },
  };
}

/**
 * Corrects what the generator gets wrong or leaves out, so the document passes Redocly's
 * recommended rules: paths without trailing slashes, WebSocket routes as GET upgrades, request
 * bodies with their schema (our global JSON parser hides it from the generator), an explicit
 * security requirement on every operation, and the 4xx answers with the error envelope.
 */
function tidyDocument(
  paths: Record<string, PathItem>,
  bodies: Map<string, unknown>,
): Record<string, PathItem> {
  const tidy: Record<string, PathItem> = {};
  for (const [rawPath, item] of Object.entries(paths)) {
    const path = rawPath.length > 1 ? rawPath.replace(/\/$/, '') : rawPath;
    for (const [rawMethod, rawOp] of Object.entries(item)) {
      const method = rawMethod === 'ws' ? 'get' : rawMethod;
      const op: Operation = rawMethod === 'ws' ? webSocketUpgrade(rawOp) : { ...rawOp };
      const body = bodies.get(`${rawMethod} ${rawPath}`);
      if (op.requestBody && Object.keys(op.requestBody.content).length === 0) {
        op.requestBody = body
          ? { ...op.requestBody, content: { 'application/json': { schema: body } } }
          : { ...op.requestBody, content: { 'application/json': { schema: { type: 'object' } } } };
      }
      op.security = securityOf(rawMethod, op['x-permission']);
      const responses = { ...op.responses };
      if (Object.keys(responses).length === 0) Object.assign(responses, undeclaredSuccess(method, path));
      // A refused upgrade is a 401 (the ticket or credential is checked before the socket opens).
      const statuses = rawMethod === 'ws' ? ['401'] : errorStatusesOf(method, path, op);
      for (const status of statuses) {
        const name = ERROR_RESPONSES[status]?.name;
        if (name && !responses[status]) responses[status] = { $ref: `#/components/responses/${name}` };
      }
      op.responses = responses;
      tidy[path] = { ...tidy[path], [method]: op };
    }
  }
  return tidy;
}

// Routes without a response schema: the streams answer text, the changes answer 204.
const STREAMS: Record<string, string> = {
  '/metrics': 'text/plain; version=0.0.4',
  '/api/events': 'text/event-stream',
};
function undeclaredSuccess(method: string, path: string): Record<string, unknown> {
  const type = STREAMS[path];
  if (method === 'get')
    return {
      '200': { description: 'OK', ...(type && { content: { [type]: { schema: { type: 'string' } } } }) },
    };
  return { '204': { description: 'Done; no content.' } };
}

function securityOf(method: string, access: string | undefined): Array<Record<string, string[]>> {
  if (access === 'agent') return method === 'ws' ? [{ agentCredential: [] }] : [];
  if (access === 'public') return method === 'ws' ? [{ consoleTicket: [] }] : [];
  return [{ bearerAuth: [] }];
}

const components = {
  securitySchemes: {
    bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    agentCredential: {
      type: 'http',
      scheme: 'bearer',
      description: 'The node credential an agent received at enrollment.',
    },
    consoleTicket: {
      type: 'apiKey',
      in: 'query',
      name: 'ticket',
      description: 'A single-use ticket from `POST /api/vms/{id}/console`.',
    },
  },
  schemas: {
    ApiError: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: Object.keys(API_ERRORS) },
            message: { type: 'string' },
            details: { type: 'object', additionalProperties: true },
          },
        },
      },
    },
  },
  responses: Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([status, { name, description }]) => [
      name,
      {
        description,
        ...(status === '429' && {
          headers: {
            'Retry-After': {
              description: 'Seconds until a new attempt is counted.',
              schema: { type: 'integer' },
            },
          },
        }),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
      },
    ]),
  ),
};

/**
 * The OpenAPI document generated from the route schemas, and a browsable page for it. The page is
 * our own small self-contained HTML: the plugin's Scalar/Swagger UIs load from a CDN, and an
 * appliance is often installed where there is none.
 */
export function openapiRoutes(version: string) {
  let cached: { routes: number; document: Json } | undefined;
  const docs: Elysia = new Elysia();
  return docs
    .get(
      '/api/openapi.json',
      () => {
        // Every route of the app (what the generator reads too), not only this instance's own.
        const routes = (docs as unknown as { getGlobalRoutes(): typeof docs.routes }).getGlobalRoutes();
        if (cached?.routes === routes.length) return cached.document;
        const generated = toOpenAPISchema(docs);
        const bodies = new Map<string, unknown>();
        for (const route of routes) {
          const body = (route.hooks as { body?: unknown }).body;
          if (body)
            bodies.set(`${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`, body);
        }
        const document = {
          openapi: '3.1.0',
          info: {
            title: 'Paddock API',
            version,
            description:
              'Paddock manages KVM nodes, networks, storage and virtual machines. Every route names the permission it needs in `x-permission`. Errors are `{error:{code,message,details}}`.',
          },
          servers: [{ url: '/', description: 'This appliance' }],
          security: [{ bearerAuth: [] }],
          paths: tidyDocument(generated.paths as Record<string, PathItem>, bodies),
          components: { ...components, schemas: { ...generated.components.schemas, ...components.schemas } },
        };
        cached = { routes: routes.length, document };
        return document;
      },
      { detail: { hide: true } },
    )
    .get(
      '/api/docs',
      () => new Response(API_DOCS_HTML, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
      {
        detail: { hide: true },
      },
    );
}
