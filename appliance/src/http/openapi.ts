import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
import { API_DOCS_HTML } from './openapi-page.ts';

/**
 * The OpenAPI document generated from the route schemas, and a browsable page for it. The page is
 * our own small self-contained HTML: the plugin's Scalar/Swagger UIs load from a CDN, and an
 * appliance is often installed where there is none.
 */
export function openapiRoutes(version: string) {
  return new Elysia()
    .use(
      openapi({
        path: '/api/openapi',
        specPath: '/api/openapi.json',
        provider: null,
        documentation: {
          info: {
            title: 'Paddock API',
            version,
            description:
              'Paddock manages KVM nodes, networks, storage and virtual machines. Every route names the permission it needs in `x-permission`. Errors are `{error:{code,message,details}}`.',
          },
          components: {
            securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
          },
        },
      }),
    )
    .get(
      '/api/docs',
      () => new Response(API_DOCS_HTML, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
      {
        detail: { hide: true },
      },
    );
}
