import { Elysia } from 'elysia';
import type { AccessPlugin } from '../http/access.plugin.ts';
import { can } from '../modules/auth/principal.ts';
import type { StreamGuard } from '../modules/auth/stream-guard.ts';
import type { EventBus, LiveEvent } from './event-bus.ts';

const encoder = new TextEncoder();

export interface EventsOptions {
  /** Bytes queued for a client that does not read before it is dropped. */
  bufferBytes: number;
  keepAliveMs?: number;
}

/**
 * `GET /api/events`: one Server-Sent Events stream per console with task progress and node/VM
 * state changes, filtered by what the signed-in user may read. The console reads it with
 * `fetch` (which can send the bearer header; EventSource cannot), so no token goes in a URL.
 * The stream follows the user's access (see StreamGuard) and ends with an `event: closed` naming
 * why; a client that stops reading is dropped once `bufferBytes` are queued for it.
 */
export function eventsRoutes(access: AccessPlugin, bus: EventBus, guard: StreamGuard, opts: EventsOptions) {
  const keepAliveMs = opts.keepAliveMs ?? 15_000;
  return new Elysia({ detail: { tags: ['events'] } }).use(access).get(
    '/api/events',
    ({ principal, request }) => {
      let current = principal;
      let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
      let unsubscribe = () => {};
      let keepAlive: ReturnType<typeof setInterval> | undefined;
      let finished = false;
      const finish = () => {
        if (finished) return false;
        finished = true;
        release();
        unsubscribe();
        clearInterval(keepAlive);
        return true;
      };
      // Ends the stream: politely (a last event, then the end) or, for a client that does not read,
      // by discarding what is queued for it.
      const end = (reason: string, drop = false) => {
        if (!finish() || !controller) return;
        try {
          if (drop) {
            controller.error(new Error(reason));
            return;
          }
          controller.enqueue(encoder.encode(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`));
          controller.close();
        } catch {}
      };
      const release = guard.admit({
        kind: 'events',
        userId: principal.id,
        sessionId: principal.sessionId,
        close: (reason) => end(reason),
        refresh: (p) => {
          current = p;
        },
      });
      const push = (text: string) => {
        if (finished || !controller) return;
        controller.enqueue(encoder.encode(text));
        if ((controller.desiredSize ?? 0) < 0) end('the client does not read its events', true);
      };
      const stream = new ReadableStream<Uint8Array>(
        {
          start(c) {
            controller = c;
            push(': connected\n\n');
            unsubscribe = bus.subscribe((event: LiveEvent) => {
              if (!can(current, event.permission)) return;
              const { permission: _p, ...visible } = event;
              push(`event: ${event.kind}\ndata: ${JSON.stringify(visible)}\n\n`);
            });
            keepAlive = setInterval(() => push(': keep-alive\n\n'), keepAliveMs);
            request.signal.addEventListener('abort', () => end('client gone'));
          },
          cancel() {
            finish();
          },
        },
        { highWaterMark: opts.bufferBytes, size: (chunk) => chunk?.byteLength ?? 0 },
      );
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
