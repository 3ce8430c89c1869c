import { IdParams } from '@paddock/protocol/api/common';
import { ConsoleRequest, ConsoleTicket } from '@paddock/protocol/api/consoles';
import { Elysia } from 'elysia';
import type { Kysely } from 'kysely';
import type { AgentHub } from '../../agents/hub.ts';
import type { DB } from '../../db/database.ts';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import { AppError } from '../../http/app-error.ts';
import type { Logger } from '../../observability/logger.ts';
import { auditedChange } from '../audit/service.ts';
import { findVm } from '../vms/repository.ts';
import type { ConsoleTarget, ConsoleTickets } from './tickets.ts';

type ConsoleStream = {
  incoming: AsyncIterable<Uint8Array>;
  outgoing: { write(chunk: Uint8Array): Promise<void>; end(): void };
  result: Promise<unknown>;
  cancel(): void;
};

const targetOfRequest = new WeakMap<Request, ConsoleTarget>();
const linkOfSocket = new WeakMap<object, { stream: ConsoleStream; queue: Promise<void> }>();

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
) {
  return new Elysia({ detail: { tags: ['vms'] } })
    .use(access)
    .post(
      '/api/vms/:id/console',
      async ({ params, body, actor, set }) => {
        const issued = await auditedChange(db, actor, async (trx) => {
          const vm = await findVm(trx, params.id);
          if (!vm) throw new AppError('VM_NOT_FOUND', `VM ${params.id} does not exist`);
          if (!vm.node_id) throw new AppError('CONFLICT', `VM ${vm.name} is not placed on a node`);
          if (!['running', 'paused'].includes(vm.status))
            throw new AppError('CONFLICT', `VM ${vm.name} is ${vm.status}; start it first`);
          const result = tickets.issue({
            vmId: vm.id,
            uuid: vm.uuid,
            nodeId: vm.node_id,
            kind: body.type,
            userId: actor.userId,
            username: actor.username,
          });
          return {
            result,
            audit: { action: 'vm.console', targetType: 'vm', targetId: vm.id, detail: { type: body.type } },
          };
        });
        set.status = 201;
        return {
          ticket: issued.ticket,
          type: body.type,
          url: `/ws/console?ticket=${encodeURIComponent(issued.ticket)}`,
          expiresAt: issued.expiresAt.toISOString(),
        };
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
          }) as unknown as ConsoleStream;
        } catch (error) {
          return ws.close(4409, (error as Error).message.slice(0, 120));
        }
        linkOfSocket.set(ws.raw, { stream, queue: Promise.resolve() });
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
      message(ws, message) {
        const link = linkOfSocket.get(ws.raw);
        if (!link) return;
        const bytes =
          typeof message === 'string'
            ? new TextEncoder().encode(message)
            : message instanceof Uint8Array
              ? message
              : new Uint8Array(message as ArrayBuffer);
        // Keystrokes and RFB messages must keep their order: writes are chained.
        link.queue = link.queue
          .then(() => link.stream.outgoing.write(bytes))
          .catch(() => link.stream.cancel());
      },
      close(ws) {
        const link = linkOfSocket.get(ws.raw);
        if (!link) return;
        linkOfSocket.delete(ws.raw);
        void link.queue.then(() => link.stream.outgoing.end());
      },
    });
}
