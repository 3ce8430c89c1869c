import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { RpcError } from '@paddock/protocol';
import { RedisClient } from 'bun';
import { AgentRouter } from '../src/agents/agent-router.ts';
import { connectSimAgent, fakeFacts, postEnroll } from './support/sim-agent.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

const REDIS_URL = process.env.PADDOCK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('agent calls across replicas through Redis', () => {
  let replica: TestApp;
  let worker: AgentRouter;
  let nodeId: string;
  let agent: Awaited<ReturnType<typeof connectSimAgent>>;
  let redis: RedisClient;
  const owner = () => redis.get(`paddock:agent-owner:${nodeId}`);

  beforeAll(async () => {
    redis = new RedisClient(REDIS_URL);
    await redis.connect();
    replica = await createTestApp('postgres', { REDIS_URL });
    await replica.services.router!.start();
    replica.app.listen({ hostname: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${replica.app.server!.port}`;
    const token = (await replica.login()).accessToken;
    const issued = (await replica.request('POST', '/api/nodes/enrollment-tokens', { token, body: {} })).json
      .token;
    const enrolled = (await (await postEnroll(base, issued, 'hv-routed')).json()) as {
      nodeId: string;
      credential: string;
    };
    nodeId = enrolled.nodeId;
    agent = await connectSimAgent(base, enrolled.credential);
    agent.handle('ping', ({ nonce }) => ({ time: Date.now(), nonce }));
    agent.handle('domain.info', ({ uuid }) => {
      throw new RpcError('NOT_FOUND', `no domain ${uuid}`);
    });
    await agent.request('agent.register', fakeFacts('hv-routed'));
    // A process holding no agent link, like `paddock worker`.
    worker = new AgentRouter(REDIS_URL, replica.ctx.logger);
    await worker.start();
  });
  afterAll(async () => {
    worker.close();
    agent.close();
    replica.services.router!.close();
    await replica.app.stop(true);
    await replica.close();
    redis.close();
  });

  test('a process without the link reaches the agent through the replica that holds it', async () => {
    expect(worker.isConnected(nodeId)).toBe(false);
    const answer = await worker.call(nodeId, 'ping', { nonce: 'via-redis' });
    expect(answer.nonce).toBe('via-redis');
  });

  test('agent errors keep their code across the hop; unknown nodes are NODE_OFFLINE', async () => {
    const error = await worker.call(nodeId, 'domain.info', { uuid: crypto.randomUUID() }).catch((e) => e);
    expect(error.code).toBe('NOT_FOUND');
    const offline = await worker.call(crypto.randomUUID(), 'ping', {}).catch((e) => e);
    expect(offline.code).toBe('NODE_OFFLINE');
  });

  test('when the agent disconnects its owner record goes away', async () => {
    expect(await owner()).toBe(replica.services.router!.replicaId);
    agent.close();
    // Without the record the call below fails the same way (the replica has no link either),
    // so the record itself is what is checked.
    await waitFor('owner record removed', async () => (await owner()) === null, 5000);
    const offline = await worker.call(nodeId, 'ping', {}).catch((e) => e);
    expect(offline.code).toBe('NODE_OFFLINE');
  });
});

describe('revoking or deleting a node closes its link on every replica', () => {
  let a: TestApp;
  let b: TestApp;
  let baseA: string;
  let tokenB: string;

  beforeAll(async () => {
    a = await createTestApp('postgres', { REDIS_URL });
    await a.services.router!.start();
    a.app.listen({ hostname: '127.0.0.1', port: 0 });
    baseA = `http://127.0.0.1:${a.app.server!.port}`;
    // A second replica on the same database and Redis, as behind a load balancer.
    b = await createTestApp('postgres', { REDIS_URL, DATABASE_URL: a.ctx.config.databaseUrl! });
    await b.services.router!.start();
    tokenB = (await b.login()).accessToken;
  }, 120_000);
  afterAll(async () => {
    for (const replica of [b, a]) {
      replica?.services.router?.close();
      replica?.services.hub.closeAll();
      if (replica?.app.server) await replica.app.stop(true);
      await replica?.close();
    }
  });

  async function linkedAgent(hostname: string) {
    const issued = await b.request('POST', '/api/nodes/enrollment-tokens', { token: tokenB, body: {} });
    const enrolled = (await (await postEnroll(baseA, issued.json.token, hostname)).json()) as {
      nodeId: string;
      credential: string;
    };
    const agent = await connectSimAgent(baseA, enrolled.credential);
    await agent.request('agent.register', fakeFacts(hostname));
    let closed: string | undefined;
    agent.onClose((error) => {
      closed = error.message;
    });
    expect(a.services.hub.isConnected(enrolled.nodeId)).toBe(true);
    expect(b.services.hub.isConnected(enrolled.nodeId)).toBe(false);
    return { nodeId: enrolled.nodeId, closed: () => closed };
  }

  test('revoked through the replica that does not hold the link', async () => {
    const agent = await linkedAgent('hv-revoked-elsewhere');
    expect((await b.request('POST', `/api/nodes/${agent.nodeId}/revoke`, { token: tokenB })).status).toBe(
      200,
    );
    const why = await waitFor('the link closed on replica A', async () => agent.closed(), 5000);
    expect(why).toContain('credentials revoked');
    expect(a.services.hub.isConnected(agent.nodeId)).toBe(false);
  });

  test('deleted through the replica that does not hold the link', async () => {
    const agent = await linkedAgent('hv-deleted-elsewhere');
    expect((await b.request('DELETE', `/api/nodes/${agent.nodeId}`, { token: tokenB })).status).toBe(204);
    const why = await waitFor('the link closed on replica A', async () => agent.closed(), 5000);
    expect(why).toContain('node deleted');
  });
});
