/**
 * Agent-link RPC: envelope, error codes, method catalog and the transport-agnostic peer.
 *
 * Appliance hub (Elysia; pass `ws.raw`, whose `send` sends Uint8Arrays as binary):
 *   open(ws)            { const peer = createAppliancePeer(ws.raw); peer.handle('agent.register', …); }
 *   message(ws, msg)    { peer.receive(msg) }            // string, binary, or Elysia's parsed object
 *   close(ws, c, r)     { peer.transportClosed(c, r) }   // fails everything pending: AGENT_DISCONNECTED
 *   await peer.request('domain.start', { uuid }, { timeoutMs, signal });
 *   const dl = peer.openStream('volume.download', { pool, name }); for await (const bytes of dl.incoming) …
 *
 * Agent:
 *   const peer = await connectAgentPeer(url, { headers: { authorization: `Bearer ${token}` } });
 *   peer.handleAll(handlers);   // `const handlers: AgentHandlers = {…}` — tsc checks every method is there
 *   await peer.request('agent.register', facts); peer.notify('node.heartbeat', figures);
 *
 * Control frames beyond DESIGN.md's envelope: `$/cancel {id}` and `$/stream.credit {id, credits}`
 * (envelope.ts); bulk stream chunks travel as binary frames (`encodeBinaryChunk`).
 */
export * from './catalog/agent.ts';
export * from './catalog/common.ts';
export * from './catalog/console.ts';
export * from './catalog/domain.ts';
export * from './catalog/index.ts';
export * from './catalog/snapshot.ts';
export * from './catalog/storage.ts';
export * from './envelope.ts';
export * from './errors.ts';
export * from './factory.ts';
export * from './method.ts';
export * from './peer.ts';
export * from './stream.ts';
export * from './transport.ts';
export * from './validate.ts';
