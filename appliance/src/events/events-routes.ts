import { Elysia } from 'elysia';
import type { AccessPlugin } from '../http/access.plugin.ts';
import { can } from '../modules/auth/principal.ts';
import type { EventBus, LiveEvent } from './event-bus.ts';

const encoder = new TextEncoder();

/**
 * `GET /api/events`: one Server-Sent Events stream per console with task progress and node/VM
 * state changes, filtered by what the signed-in user may read. The console reads it with
 * `fetch` (which can send the bearer header; EventSource cannot), so no token goes in a URL.
 */
export function eventsRoutes(access: AccessPlugin, bus: EventBus, keepAliveMs = 15_000) {
  return new Elysia({ detail: { tags: ['events'] } }).use(access).get(
    '/api/events',
    ({ principal, request }) => {
      let unsubscribe = () => {};
      let keepAlive: ReturnType<typeof setInterval> | undefined;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const send = (event: LiveEvent) => {
            if (!can(principal, event.permission)) return;
            const { permission: _p, ...visible } = event;
            controller.enqueue(encoder.encode(`event: ${event.kind}\ndata: ${JSON.stringify(visible)}\n\n`));
          };
          controller.enqueue(encoder.encode(': connected\n\n'));
          unsubscribe = bus.subscribe(send);
          keepAlive = setInterval(() => controller.enqueue(encoder.encode(': keep-alive\n\n')), keepAliveMs);
          request.signal.addEventListener('abort', () => {
            unsubscribe();
            clearInterval(keepAlive);
            try {
              controller.close();
            } catch {}
          });
        },
        cancel() {
          unsubscribe();
          clearInterval(keepAlive);
        },
      });
      return new Response(stream, {
        headers: {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
        },
      });
    },
    { access: 'authenticated', detail: { summary: 'Live events (SSE): tasks, nodes, VMs you may read' } },
  );
}
