/**
 * A power task run again (a retry, a worker that died after the agent acted) finds the domain
 * already where it was sent: that is success, not "domain is already running". The real agent
 * on libvirt's test:///default driver, the appliance in-process with its own worker.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import * as vmsRepo from '../src/modules/vms/repository.ts';
import { spawnAgent } from './support/real-agent.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { waitFor as waitUntil } from './support/wait.ts';

let t: TestApp;
let agent: ReturnType<typeof spawnAgent> | undefined;
let nodeId: string;

const waitFor = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000) =>
  waitUntil(what, fn, timeoutMs, {
    intervalMs: 100,
    context: () => `agent log:\n${agent?.log().slice(-2000)}`,
  });

beforeAll(async () => {
  t = await createTestApp('pglite', { PADDOCK_HEARTBEAT_INTERVAL_MS: '500' });
  t.app.listen({ hostname: '127.0.0.1', port: 0 });
  const { accessToken: token } = await t.login();
  const enrollment = (await t.request('POST', '/api/nodes/enrollment-tokens', { token, body: {} })).json
    .token;
  agent = spawnAgent(`http://127.0.0.1:${t.app.server!.port}`, enrollment, 'test:///default');
  nodeId = (
    await waitFor('node online', async () => {
      const items = (await t.request('GET', '/api/nodes', { token })).json.items;
      return items.find((n: { status: string; connected: boolean }) => n.status === 'online' && n.connected);
    })
  ).id;
  t.services.tasks.nudge = () => void t.services.worker.poll();
  t.services.worker.start();
}, 60_000);

afterAll(async () => {
  await t?.services.worker.stop();
  await agent?.stop();
  await t?.app.stop(true);
  await t?.close();
});

async function definedVm(): Promise<{ id: string; uuid: string }> {
  const name = `paddock-rerun-${process.pid}-${Date.now().toString(36)}`;
  const xml = `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
  const { uuid } = await t.services.hub.call(nodeId, 'domain.define', { xml });
  const id = crypto.randomUUID();
  await vmsRepo.insertVm(t.ctx.db, {
    id,
    uuid,
    name,
    description: null,
    node_id: nodeId,
    status: 'stopped',
    desired_status: null,
    vcpu: 1,
    memory_mb: 64,
    disk_ids: JSON.stringify([]),
    network_interfaces: JSON.stringify([]),
    tags: JSON.stringify([]),
    meta: JSON.stringify({}),
    created_by: null,
    updated_at: new Date(),
  });
  return { id, uuid };
}

async function run(type: 'vm.start' | 'vm.stop' | 'vm.reboot', vmId: string) {
  const task = await t.services.tasks.enqueue(t.ctx.db, {
    type,
    payload: { vmId },
    createdBy: null,
    targetType: 'vm',
    targetId: vmId,
    maxAttempts: 1,
  });
  return waitFor(`${type} settled`, async () => {
    const row = await t.ctx.db.selectFrom('tasks').selectAll().where('id', '=', task.id).executeTakeFirst();
    return row && ['succeeded', 'failed', 'cancelled'].includes(row.status) && row;
  });
}

describe('power tasks run again', () => {
  test('vm.start on a running domain and vm.stop on a stopped one succeed as already done', async () => {
    const vm = await definedVm();
    expect((await run('vm.start', vm.id)).status).toBe('succeeded');
    const again = await run('vm.start', vm.id);
    expect({ status: again.status, error: again.error }).toEqual({ status: 'succeeded', error: null });
    expect(again.result).toMatchObject({ state: 'running' });
    expect((await vmsRepo.findVm(t.ctx.db, vm.id))?.status).toBe('running');

    expect((await run('vm.stop', vm.id)).status).toBe('succeeded');
    const stopAgain = await run('vm.stop', vm.id);
    expect({ status: stopAgain.status, error: stopAgain.error }).toEqual({
      status: 'succeeded',
      error: null,
    });
    expect((await vmsRepo.findVm(t.ctx.db, vm.id))?.status).toBe('stopped');
    await t.services.hub.call(nodeId, 'domain.undefine', { uuid: vm.uuid });
  });

  test('vm.reboot of a stopped domain still fails: there is no state that means "already rebooted"', async () => {
    const vm = await definedVm();
    const reboot = await run('vm.reboot', vm.id);
    expect(reboot.status).toBe('failed');
    await t.services.hub.call(nodeId, 'domain.undefine', { uuid: vm.uuid });
  });
});
