import type { PaddockCatalog, StreamCall } from '@paddock/protocol/rpc/index';
import { IdParams } from '@paddock/protocol/api/common';
import { ConsoleRequest, ConsoleTicket } from '@paddock/protocol/api/consoles';
import { Elysia } from 'elysia';
import type { Kysely } from 'kysely';
import type { AgentHub } from '../../agents/hub.ts';
import type { DB } from '../../db/database.ts';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../observability/logger.ts';
import type { StreamGuard } from '../auth/stream-guard.ts';
import { issueConsoleTicket } from './service.ts';
import type { ConsoleTarget, ConsoleTickets } from './tickets.ts';

/** The largest frame a browser may send on a console (a big paste); a bigger one closes it with 1009. */
export const MAX_CONSOLE_FRAME_BYTES = 1024 * 1024;

type ConsoleStream = StreamCall<PaddockCatalog, 'console.open'>;

const targetOfRequest = new WeakMap<Request, ConsoleTarget>();
const linkOfSocket = new WeakMap<
  object,
  { stream: ConsoleStream; queue: Promise<void>; release: () => void }
>();
const encoder = new TextEncoder();

type Frame = string | ArrayBuffer | Uint8Array;

interface RawSocket {
  data: { message?: (ws: RawSocket, frame: Frame) => unknown };
  close(code?: number, reason?: string): void;
}

/**
 * Elysia parses text frames before a route sees them ("5000" becomes the number 5000, `"x"` the
 * string x, `[1]` an array), and the typed text is lost. Its socket handler calls
 * `ws.data.message` with Bun's frame as it came, so the console puts its own handler there.
 */
function takeRawFrames(socket: object): void {
  (socket as RawSocket).data.message = forward;
}

function forward(socket: RawSocket, frame: Frame): void {
  const link = linkOfSocket.get(socket);
  if (!link) return;
  const bytes =
    typeof frame === 'string'
      ? encoder.encode(frame)
      : frame instanceof ArrayBuffer
        ? new Uint8Array(frame)
        : frame;
  if (bytes.byteLength > MAX_CONSOLE_FRAME_BYTES) {
    socket.close(1009, `console frames are limited to ${MAX_CONSOLE_FRAME_BYTES} bytes`);
    return;
  }
  // Keystrokes and RFB messages must keep their order: writes are chained.
  link.queue = link.queue.then(() => link.stream.outgoing.write(bytes)).catch(() => link.stream.cancel());
}

/**
 * Consoles through the appliance's one port: `POST /api/vms/{id}/console` issues a ticket, and
 * `/ws/console?ticket=…` carries the bytes (RFB for noVNC, terminal bytes for xterm.js) between
 * the browser and the agent's `console.open` stream, which reaches QEMU's UNIX socket on the node.
 */
export function consoleRoutes(
  access: AccessPlugin,
  db: Kysely<DB>,
  hub: AgentHub,
  tickets: ConsoleTickets,
  logger: Logger,
  guard: StreamGuard,
) {
  return new Elysia({ detail: { tags: ['vms'] } })
    .use(access)
    .post(
      '/api/vms/:id/console',
      async ({ params, body, actor, principal, set }) => {
        set.status = 201;
        return issueConsoleTicket(db, tickets, actor, params.id, body.type, principal.sessionId);
      },
      {
        access: 'vms:console',
        params: IdParams,
        body: ConsoleRequest,
        response: { 201: ConsoleTicket },
        detail: { summary: 'Issue a single-use ticket for the VNC or serial console WebSocket' },
      },
    )
    .ws('/ws/console', {
      access: 'public',
      beforeHandle({ request }) {
        if (targetOfRequest.has(request)) return;
        const ticket = new URL(request.url).searchParams.get('ticket') ?? '';
        const target = tickets.redeem(ticket);
        if (!target) throw new AppError('UNAUTHENTICATED', 'console ticket unknown, used or expired');
        targetOfRequest.set(request, target);
      },
      open(ws) {
        const target = targetOfRequest.get((ws.data as { request: Request }).request);
        if (!target) return ws.close(4401, 'no ticket');
        let stream: ConsoleStream;
        try {
          stream = hub.openStream(target.nodeId, 'console.open', {
            uuid: target.uuid,
            kind: target.kind,
          });
        } catch (error) {
          return ws.close(4409, (error as Error).message.slice(0, 120));
        }
        // The ticket proved access once; the session must end with it (4403 names why).
        const release = target.userId
          ? guard.admit(
              {
                kind: 'console',
                userId: target.userId,
                sessionId: target.sessionId,
                permission: 'vms:console',
                close: (reason) => {
                  stream.cancel();
                  ws.close(4403, reason.slice(0, 120));
                },
              },
              { checkNow: true },
            )
          : () => {};
        linkOfSocket.set(ws.raw, { stream, queue: Promise.resolve(), release });
        takeRawFrames(ws.raw);
        logger.info({ vmId: target.vmId, kind: target.kind, user: target.username }, 'console opened');
        void (async () => {
          try {
            for await (const chunk of stream.incoming) ws.raw.send(chunk);
            const outcome = (await stream.result) as { reason?: string };
            ws.close(1000, (outcome.reason ?? 'closed').slice(0, 120));
          } catch (error) {
            ws.close(4500, (error as Error).message.slice(0, 120));
          }
        })();
      },
      // Frames are taken raw in open (takeRawFrames); this only sees what came before, i.e. nothing.
      message() {},
      close(ws) {
        const link = linkOfSocket.get(ws.raw);
        if (!link) return;
        linkOfSocket.delete(ws.raw);
        link.release();
        void link.queue.then(() => link.stream.outgoing.end());
      },
    });
}
