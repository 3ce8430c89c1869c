/**
 * The compiled agent (`bun build --compile`), copied alone into an empty directory, against the
 * appliance stand-in and test:///default: bun:ffi, the libvirt call workers and the event worker
 * must all have survived compilation. PADDOCK_AGENT_BINARY tests a binary built elsewhere
 * (e.g. dist/paddock-agent from scripts/build.sh) instead of compiling one here.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppliancePeer } from '@paddock/protocol';
import { AgentProcess } from './agent-fixtures/agent-process.ts';
import { ApplianceStandIn } from './agent-fixtures/appliance-stand-in.ts';
import { enrollFlags } from './agent-fixtures/enrolled-agent.ts';
import { testDomainXML } from './fixtures/libvirt.ts';

const ROOT = join(import.meta.dir, '../..');

/** The compile command (as in scripts/build.sh): the libvirt workers are extra entry points, or they are not embedded. */
const COMPILE_ARGS = [
  'build',
  '--compile',
  './agent/src/main.ts',
  './agent/src/libvirt/worker.ts',
  './agent/src/libvirt/event-worker.ts',
];

let work: string;
let binary: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'paddock-agent-binary-'));
  let built = process.env.PADDOCK_AGENT_BINARY;
  if (!built) {
    built = join(work, 'build', 'paddock-agent');
    const proc = Bun.spawn([process.execPath, ...COMPILE_ARGS, '--outfile', built], {
      cwd: ROOT,
      stdout: 'pipe',
      stderr: 'pipe',
    });
    if ((await proc.exited) !== 0)
      throw new Error(`compile failed: ${await new Response(proc.stderr).text()}`);
  }
  // Alone in an empty directory: nothing next to it to resolve sources from.
  binary = join(work, 'alone', 'paddock-agent');
  await Bun.$`mkdir -p ${join(work, 'alone')}`;
  copyFileSync(built, binary);
  await Bun.$`chmod 755 ${binary}`;
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }), 30_000);

describe('compiled paddock-agent', () => {
  test('--version and a bad flag (exit 2)', async () => {
    const version = Bun.spawnSync([binary, '--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.toString().trim().length).toBeGreaterThan(0);
    expect(Bun.spawnSync([binary, '--nope', 'x']).exitCode).toBe(2);
  }, 30_000);

  test('enrolls, registers, answers requests through the libvirt workers, forwards events, serves /metrics', async () => {
    const hub = new ApplianceStandIn().start();
    hub.heartbeatIntervalMs = 100;
    const agent = new AgentProcess(
      [
        ...enrollFlags(hub, join(work, 'state')),
        '--libvirt',
        'test:///default',
        '--metrics-listen',
        '127.0.0.1:0',
      ],
      { binary, cwd: join(work, 'alone') },
    );
    try {
      await hub.waitFor(() => hub.registers[0], 15_000, 'register');
      const peer = hub.peer as AppliancePeer;
      const { domains } = await peer.request('domain.list', {});
      expect(domains.map((d) => d.name)).toContain('test');
      const { uuid } = await peer.request('domain.define', { xml: testDomainXML('binary-check') });
      expect((await peer.request('domain.start', { uuid })).state).toBe('running');
      await hub.waitFor(
        () => hub.events.some((e) => e.uuid === uuid && e.event === 'started'),
        5000,
        'started event',
      );
      await hub.waitFor(() => hub.heartbeats.length >= 3 && hub.inventories.length >= 1, 5000, 'heartbeats');
      const url = (await agent.waitForLog((l) => l.msg === 'metrics: listening')).url as string;
      expect(await (await fetch(url)).text()).toContain('paddock_agent_connected 1');
    } finally {
      expect(await agent.stop()).toBe(0);
      await hub.stop();
    }
  }, 60_000);
});
