/**
 * Storage requests that must change nothing (issue 9, items 3, 4, 13b), through the API on both
 * databases: pool paths the node's agent would refuse get a 422 up front, a pool name libvirt
 * already knows gets a 409 unless adopted at the same path, a qcow2 upload naming a backing or data
 * file is refused before a byte reaches the node, and one volume cannot be attached twice. The node
 * is the simulated agent (sim-agent.ts, a stand-in speaking the real protocol) so the test sees
 * exactly which calls reached it; the real agent's own refusals are in agent-pool-guard.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentPeer, RpcError, RpcErrorCode } from '@paddock/protocol';
import { connectSimAgent, fakeFacts, fakeHeartbeat, postEnroll } from './support/sim-agent.ts';
import { createTestApp, DIALECTS, type TestApp } from './support/test-app.ts';
import { waitFor } from './support/wait.ts';

const ROOT = '/var/lib/libvirt/images';
const files = mkdtempSync(join(tmpdir(), 'paddock-storage-guards-'));
afterAll(() => rmSync(files, { recursive: true, force: true }));

const qemuImg = (...args: string[]) => {
  const r = Bun.spawnSync(['qemu-img', ...args]);
  if (r.exitCode !== 0) throw new Error(`qemu-img ${args.join(' ')}: ${r.stderr.toString()}`);
};

for (const dialect of DIALECTS) {
  describe(`storage guards (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    let token: string;
    let nodeId: string;
    let agent: AgentPeer;
    const calls: string[] = [];

    const api = (method: string, path: string, body?: unknown) =>
      t.request(method, path, { token, ...(body !== undefined && { body }) });

    beforeAll(async () => {
      t = await createTestApp(dialect);
      t.app.listen({ hostname: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${t.app.server!.port}`;
      token = (await t.login()).accessToken;
      const issued = await api('POST', '/api/nodes/enrollment-tokens', {});
      const enrolled = (await (await postEnroll(base, issued.json.token, 'hv-guards')).json()) as {
        nodeId: string;
        credential: string;
      };
      nodeId = enrolled.nodeId;
      agent = await connectSimAgent(base, enrolled.credential);
      const stale = {
        name: 'taken',
        uuid: crypto.randomUUID(),
        type: 'dir',
        state: 'running' as const,
        capacityBytes: 0,
        allocationBytes: 0,
        availableBytes: 0,
        persistent: true,
        autostart: true,
        path: `${ROOT}/stale`,
      };
      agent.handleAll({
        'pool.list': async () => {
          calls.push('pool.list');
          return { pools: [stale] };
        },
        'volume.list': async ({ name }) => {
          calls.push(`volume.list ${name}`);
          const file = { pool: name, key: 'k', format: 'qcow2', capacityBytes: 2 ** 30, allocationBytes: 0 };
          return { volumes: [{ ...file, name: 'foreign.qcow2', path: `${ROOT}/fresh/foreign.qcow2` }] };
        },
        'volume.create': async ({ name }) => {
          calls.push(`volume.create ${name}`);
          throw new RpcError(RpcErrorCode.CONFLICT, 'the stand-in stores nothing');
        },
      });
      await agent.request('agent.register', { ...fakeFacts('hv-guards'), poolRoots: [ROOT] });
      agent.notify('node.heartbeat', fakeHeartbeat());
      await waitFor('node online', async () => (await api('GET', `/api/nodes/${nodeId}`)).json.connected);
    });

    afterAll(async () => {
      agent?.close();
      await t?.app.stop(true);
      await t?.close();
    });

    test('pool paths the agent would refuse are a 422 naming the path, and nothing is created', async () => {
      const refused = [
        '/etc',
        '/proc',
        '/',
        `${ROOT}/new/../../../../etc`,
        `${ROOT}/./a`,
        '/srv/elsewhere',
        '/var/lib/paddock-agent/x',
      ];
      for (const [i, path] of refused.entries()) {
        const res = await api('POST', '/api/storage/pools', { name: `bad${i}`, type: 'dir', nodeId, path });
        expect({ path, status: res.status }).toEqual({ path, status: 422 });
        expect(res.json.error.message).toContain('path');
      }
      const pools = (await api('GET', '/api/storage/pools')).json;
      expect(pools.total).toBe(0);
    });

    test('a libvirt pool of that name on the node is a 409 unless adopted at its own path', async () => {
      const post = (body: object) =>
        api('POST', '/api/storage/pools', { name: 'taken', type: 'dir', nodeId, ...body });
      const plain = await post({ path: `${ROOT}/fresh` });
      expect(plain.status).toBe(409);
      expect(plain.json.error.message).toContain(`${ROOT}/stale`);
      const elsewhere = await post({ path: `${ROOT}/fresh`, adopt: true });
      expect(elsewhere.status).toBe(409);
      expect((await api('GET', '/api/storage/pools')).json.total).toBe(0);
      const adopted = await post({ path: `${ROOT}/stale`, adopt: true });
      expect(adopted.status).toBe(202);
      const fine = await api('POST', '/api/storage/pools', {
        name: 'fresh',
        type: 'dir',
        nodeId,
        path: `${ROOT}/fresh`,
      });
      expect(fine.status).toBe(202);
    });

    const pool = async () => {
      const row = (await api('GET', '/api/storage/pools?q=fresh')).json.items[0];
      await t.ctx.db.updateTable('volume_pools').set({ status: 'active' }).where('id', '=', row.id).execute();
      return row.id as string;
    };
    const upload = async (poolId: string, name: string, format: string, file: string) => {
      const bytes = readFileSync(file);
      const res = await fetch(`${base}/api/storage/pools/${poolId}/upload?name=${name}&format=${format}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/octet-stream',
          'content-length': String(bytes.byteLength),
        },
        body: bytes,
      });
      return { status: res.status, json: (await res.json()) as { error: { message: string } } };
    };

    test('a qcow2 upload naming a backing file or an external data file is refused before the node sees it', async () => {
      const poolId = await pool();
      const backed = join(files, `backed-${dialect}.qcow2`);
      qemuImg('create', '-q', '-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', backed, '1M');
      const dataFile = join(files, `data-${dialect}.qcow2`);
      qemuImg(
        'create',
        '-q',
        '-f',
        'qcow2',
        '-o',
        `data_file=${join(files, `data-${dialect}.raw`)}`,
        dataFile,
        '1M',
      );
      const raw = join(files, `plain-${dialect}.raw`);
      qemuImg('create', '-q', '-f', 'raw', raw, '1M');
      calls.length = 0;
      const cases: Array<[string, string, string]> = [
        ['backed', backed, 'backing file (/etc/hostname)'],
        ['datafile', dataFile, 'external data file'],
        ['notqcow', raw, 'not a qcow2 image'],
      ];
      for (const [name, file, reason] of cases) {
        const res = await upload(poolId, name, 'qcow2', file);
        expect({ name, status: res.status }).toEqual({ name, status: 422 });
        expect(res.json.error.message).toContain(reason);
      }
      expect(calls).toEqual([]);
      expect((await api('GET', `/api/storage/volumes?poolId=${poolId}`)).json.total).toBe(0);

      // A standalone qcow2, and a qcow2 declared raw (it stays raw), do reach the node.
      const good = join(files, `good-${dialect}.qcow2`);
      qemuImg('create', '-q', '-f', 'qcow2', good, '1M');
      await upload(poolId, 'good', 'qcow2', good);
      await upload(poolId, 'asraw', 'raw', backed);
      expect(calls).toEqual(['volume.create good.qcow2', 'volume.create asraw.raw']);
    });

    test('one volume cannot be attached twice to one VM, nor to two VMs at once', async () => {
      const poolId = await pool();
      const volume = async (name: string) => {
        const id = crypto.randomUUID();
        await t.ctx.db
          .insertInto('volumes')
          .values({
            id,
            name,
            format: 'qcow2',
            size_gb: 1,
            pool_id: poolId,
            status: 'ready',
            path: `${ROOT}/fresh/${name}.qcow2`,
            meta: '{}',
            updated_at: new Date(),
          })
          .execute();
        return id;
      };
      const vm = (name: string, volumeIds: string[]) =>
        api('POST', '/api/vms', {
          name,
          vcpu: 1,
          memoryMb: 64,
          disks: volumeIds.map((volumeId) => ({ volumeId })),
          nics: [],
        });
      const twice = await volume('twice');
      const same = await vm('twice-vm', [twice, twice]);
      expect(same.status).toBe(422);
      expect(same.json.error.message).toContain('twice');

      const shared = await volume('shared');
      const raced = await Promise.all([
        vm('racer-a', [shared]),
        vm('racer-b', [shared]),
        vm('racer-c', [shared]),
      ]);
      expect(raced.filter((r) => r.status === 202)).toHaveLength(1);
      expect(raced.filter((r) => r.status !== 202).every((r) => r.status === 422 || r.status === 409)).toBe(
        true,
      );
      const owners = await t.ctx.db
        .selectFrom('vms')
        .select('disk_ids')
        .where('name', 'like', 'racer-%')
        .execute();
      expect(owners).toHaveLength(1);
    });

    test('a file in the pool that Paddock did not create is never taken for a new volume', async () => {
      const poolId = await pool();
      t.services.worker.start();
      calls.length = 0;
      const res = await api('POST', `/api/storage/pools/${poolId}/volumes`, {
        name: 'foreign',
        sizeGb: 1,
        format: 'qcow2',
      });
      expect(res.status).toBe(202);
      const task = await waitFor('volume task ends', async () => {
        const row = (await api('GET', `/api/tasks/${res.json.task.id}`)).json;
        return (row.status === 'failed' || row.status === 'succeeded') && row;
      });
      await t.services.worker.stop();
      expect(task.status).toBe('failed');
      expect(task.error.message).toContain('that Paddock did not create');
      expect((await api('GET', `/api/storage/volumes/${res.json.volume.id}`)).json.path).toBeNull();
      expect(calls.filter((c) => c.startsWith('volume.create'))).toEqual([]);
    });
  });
}
