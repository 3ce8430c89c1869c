import { describe, expect, test } from 'bun:test';
import { Kind } from '@sinclair/typebox';
import {
  type AgentHandlers,
  agentMethods,
  consoleMethods,
  createAppliancePeer,
  domainMethods,
  matches,
  paddockCatalog,
  RESERVED_PREFIX,
  snapshotMethods,
  storageMethods,
} from '../src/rpc/index.ts';
import { heartbeatParams, registerParams } from './support/fixtures.ts';

describe('method catalog', () => {
  test('every method is declared once with schemas and a direction', () => {
    // The catalog spreads its groups together, so a name declared in two groups would silently keep one.
    const groups = [agentMethods, domainMethods, snapshotMethods, storageMethods, consoleMethods];
    const declared = groups.flatMap((group) => Object.keys(group));
    expect(declared.length).toBe(Object.keys(paddockCatalog).length);
    for (const [name, def] of Object.entries(paddockCatalog)) {
      expect(name.startsWith(RESERVED_PREFIX)).toBe(false);
      expect(def.params[Kind]).toBeDefined();
      expect(['appliance', 'agent', 'either']).toContain(def.from);
      expect(def.summary.length).toBeGreaterThan(0);
      if (def.kind !== 'notification') expect(def.result[Kind]).toBeDefined();
    }
    const required = [
      'agent.register',
      'node.heartbeat',
      'domain.event',
      'domain.inventory',
      'host.info',
      'domain.list',
      'domain.define',
      'domain.start',
      'domain.shutdown',
      'domain.destroy',
      'domain.reboot',
      'domain.suspend',
      'domain.resume',
      'domain.undefine',
      'domain.xml',
      'domain.info',
      'domain.stats',
      'snapshot.create',
      'snapshot.list',
      'snapshot.revert',
      'snapshot.delete',
      'pool.define',
      'pool.start',
      'pool.refresh',
      'pool.info',
      'pool.delete',
      'volume.create',
      'volume.delete',
      'volume.resize',
      'volume.clone',
      'volume.upload',
      'volume.download',
      'console.open',
      'ping',
    ];
    for (const name of required) expect(Object.keys(paddockCatalog)).toContain(name);
    expect(paddockCatalog['volume.upload'].kind).toBe('stream');
    expect(paddockCatalog['node.heartbeat'].kind).toBe('notification');
  });

  test('fixtures match their schemas', () => {
    expect(matches(paddockCatalog['agent.register'].params, registerParams)).toBe(true);
    expect(matches(paddockCatalog['node.heartbeat'].params, heartbeatParams)).toBe(true);
    expect(matches(paddockCatalog['agent.register'].params, { ...registerParams, virtType: 'xen' })).toBe(
      false,
    );
  });
});

// Compile-time checks (run by `tsc`): wrong directions, params and results must not type-check.
export function typeChecks(): void {
  const peer = createAppliancePeer({ send: () => {}, close: () => {} });
  peer.handle('agent.register', (p) => ({ nodeId: p.hostname, heartbeatIntervalMs: 1 }));
  // @ts-expect-error wrong result shape
  peer.handle('agent.register', (p) => ({ nodeId: p.hostname }));
  // @ts-expect-error the appliance does not answer domain.start
  peer.handle('domain.start', () => ({}));
  // @ts-expect-error the appliance does not send heartbeats
  peer.notify('node.heartbeat', heartbeatParams);
  peer.onNotification('node.heartbeat', (hb) => void hb.cpuUsedPct);
  void peer.request('domain.start', { uuid: 'x' }).then((r) => r.state);
  // @ts-expect-error params are typed
  void peer.request('domain.start', { uuid: 1 });
  // @ts-expect-error stream methods go through openStream
  void peer.request('volume.download', { pool: 'p', name: 'n' });
  const download = peer.openStream('volume.download', { pool: 'p', name: 'n' });
  void download.incoming;
  // @ts-expect-error a download has no upload side
  void download.outgoing;
  // @ts-expect-error an incomplete agent handler set is a compile error
  const handlers: AgentHandlers = { ping: () => ({ time: 1 }) };
  void handlers;
}
