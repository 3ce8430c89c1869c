import { AgentEnrollRequest, AgentEnrollResult } from '@paddock/protocol/api/nodes';
import type { AppliancePeer } from '@paddock/protocol';
import { Elysia } from 'elysia';
import type { AccessPlugin } from '../http/access.plugin.ts';
import { AppError } from '../errors.ts';
import { actorOf, bearerToken, stateOf } from '../http/request-state.ts';
import type { Logger } from '../observability/logger.ts';
import type { AgentHub } from './hub.ts';
import type { AgentSessions } from './sessions.ts';

const nodeOfRequest = new WeakMap<Request, string>();
const peerOfSocket = new WeakMap<object, { nodeId: string; peer: AppliancePeer }>();

/**
 * The agents' side of the appliance: `POST /api/agents/enroll` (authenticated by a single-use
 * enrollment token) and the `/ws/agent` link (authenticated by the node credential BEFORE the
 * upgrade, so a refused agent never gets a socket, let alone a registration).
 */
export function agentRoutes(access: AccessPlugin, sessions: AgentSessions, hub: AgentHub, logger: Logger) {
  return new Elysia({ detail: { tags: ['agents'] } })
    .use(access)
    .post(
      '/api/agents/enroll',
      async ({ body, request, set }) => {
        const actor = { ...actorOf(stateOf(request)), username: `agent:${body.hostname}` };
        const result = await sessions.enroll(actor, body.token, body.hostname);
        set.status = 201;
        return result;
      },
      {
        access: 'agent',
        body: AgentEnrollRequest,
        response: { 201: AgentEnrollResult },
        detail: { summary: 'Agent enrollment: spend an enrollment token, receive the node credential' },
      },
    )
    .ws('/ws/agent', {
      access: 'agent',
      async beforeHandle({ request }) {
        const token = bearerToken(request);
        if (!token) throw new AppError('UNAUTHENTICATED', 'agent credential required');
        const { nodeId } = await sessions.authenticateAgent(token);
        nodeOfRequest.set(request, nodeId);
      },
      open(ws) {
        const request = (ws.data as { request: Request }).request;
        const nodeId = nodeOfRequest.get(request);
        if (!nodeId) {
          ws.close(4401, 'not authenticated');
          return;
        }
        // Bun's ServerWebSocket copies each frame into the socket or its send buffer before
        // send returns, so stream chunks can reuse one buffer (bulk uploads allocate nothing).
        const peer = hub.attach(nodeId, ws.raw as never, stateOf(request).ip, { copiesFrames: true });
        peerOfSocket.set(ws.raw, { nodeId, peer });
      },
      message(ws, message) {
        peerOfSocket.get(ws.raw)?.peer.receive(message);
      },
      close(ws, code, reason) {
        const link = peerOfSocket.get(ws.raw);
        if (!link) return;
        peerOfSocket.delete(ws.raw);
        hub.detach(link.nodeId, link.peer, code, reason);
      },
      error({ error }) {
        logger.warn({ err: error }, 'agent socket error');
      },
    });
}
