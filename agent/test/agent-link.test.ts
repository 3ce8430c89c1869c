/**
 * The agent process against an appliance stand-in speaking the real protocol: enrollment, the
 * stored credential, refusal, reconnection, heartbeats and inventory. libvirt is test:///default.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentProcess } from './agent-fixtures/agent-process.ts';
import { ApplianceStandIn } from './agent-fixtures/appliance-stand-in.ts';
import { enrollFlags } from './agent-fixtures/enrolled-agent.ts';

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
}, 30_000);

function stateDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'paddock-agent-test-')), 'state');
  cleanup.push(() => rmSync(join(dir, '..'), { recursive: true, force: true }));
  return dir;
}

function appliance(): ApplianceStandIn {
  const a = new ApplianceStandIn().start();
  cleanup.push(() => a.stop());
  return a;
}

function agent(args: string[], env: Record<string, string> = {}): AgentProcess {
  const p = new AgentProcess(['--libvirt', 'test:///default', '--metrics-listen', 'off', ...args], { env });
  cleanup.push(() => p.stop());
  return p;
}

describe('agent link', () => {
  test('enrolls once, stores a 0600 credential, registers, heartbeats at the appliance interval, sends inventory', async () => {
    const hub = appliance();
    hub.heartbeatIntervalMs = 100;
    const state = stateDir();
    const token = hub.issueToken();
    const a = agent(enrollFlags(hub, state, token));

    const facts = await hub.waitFor(() => hub.registers[0], 15_000, 'register');
    expect(hub.enrollRequests).toHaveLength(1);
    expect(hub.enrollRequests[0]?.token).toBe(token);
    const stored = JSON.parse(readFileSync(join(state, 'credential.json'), 'utf8'));
    expect(stored).toMatchObject({ server: hub.url, nodeId: 'node-1' });
    expect(hub.credentials.get(stored.credential)).toBe('node-1');
    expect(statSync(join(state, 'credential.json')).mode & 0o777).toBe(0o600);
    expect(statSync(state).mode & 0o777).toBe(0o700);
    // The upgrade used the credential, never the token.
    expect(hub.upgradeAuth).toEqual([`Bearer ${stored.credential}`]);

    expect(facts.hostname.length).toBeGreaterThan(0);
    expect(facts.cpuCount).toBeGreaterThan(0);
    expect(facts.memoryBytes).toBeGreaterThan(0);
    expect(facts.diskTotalBytes).toBeGreaterThan(0);
    expect(facts.libvirtVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(['kvm', 'qemu']).toContain(facts.virtType);
    expect(facts.agentVersion.length).toBeGreaterThan(0);

    await hub.waitFor(() => hub.heartbeats.length >= 5, 5000, '5 heartbeats');
    const gaps = hub.heartbeats.slice(1, 5).map((h, i) => h.at - (hub.heartbeats[i]?.at ?? 0));
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(50);
      expect(gap).toBeLessThan(1000);
    }
    const beat = hub.heartbeats.at(-1)?.params;
    expect(beat?.memTotalBytes).toBeGreaterThan(0);
    expect(beat?.diskTotalBytes).toBeGreaterThan(0);
    expect(beat?.cpuUsedPct).toBeGreaterThanOrEqual(0);
    expect(beat?.vmsRunning).toBeGreaterThanOrEqual(1); // test:///default has the running domain "test"

    const inventory = await hub.waitFor(() => hub.inventories[0], 5000, 'inventory');
    expect(inventory.domains.find((d) => d.name === 'test')?.state).toBe('running');
    await a.waitForLog((l) => l.msg.startsWith('agent: guests use virt type'));
    expect(await a.stop()).toBe(0);
  }, 30_000);

  test('a restart reuses the stored credential and ignores the token', async () => {
    const hub = appliance();
    const state = stateDir();
    const token = hub.issueToken();
    const first = agent(enrollFlags(hub, state, token));
    await hub.waitFor(() => hub.registers.length === 1, 15_000, 'first register');
    expect(await first.stop()).toBe(0);

    // The token is spent; passing it again must not matter.
    const second = agent(enrollFlags(hub, state, token));
    await hub.waitFor(() => hub.registers.length === 2, 15_000, 'second register');
    await second.waitForLog((l) => l.msg.includes('ignoring the enrollment token'));
    expect(hub.enrollRequests).toHaveLength(1);
    expect(await second.stop()).toBe(0);

    // And with no token at all, through the environment this time.
    agent([], { PADDOCK_SERVER: hub.url, PADDOCK_AGENT_STATE: state });
    await hub.waitFor(() => hub.registers.length === 3, 15_000, 'third register');
    expect(hub.enrollRequests).toHaveLength(1);
  }, 30_000);

  test('a refused credential: no register, a clear log line, backoff instead of spinning', async () => {
    const hub = appliance();
    const state = stateDir();
    const a = agent([...enrollFlags(hub, state), '--reconnect-interval-ms', '100']);
    await hub.waitFor(() => hub.registers.length === 1, 15_000, 'register');
    // Revoke, then drop the link: every new upgrade is answered 401.
    hub.credentials.clear();
    await hub.stop();
    hub.start();
    const refusal = await a.waitForLog((l) =>
      l.msg.includes('credential refused — revoked? re-enroll with a new token'),
    );
    expect(refusal.level).toBe('error');
    await Bun.sleep(1500);
    expect(hub.registers).toHaveLength(1);
    // 100 ms interval doubling to its 1.2 s cap: a handful of attempts in 1.5 s, not hundreds.
    const attempts = hub.upgradeAuth.length - 1;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThan(8);
  }, 30_000);

  test('a wrong enrollment token exits 3 with the reason', async () => {
    const hub = appliance();
    const a = agent(enrollFlags(hub, stateDir(), 'not-a-token'));
    expect(await a.exited).toBe(3);
    expect(a.logged('cannot enroll')[0]?.err).toContain('enrollment token refused');
  }, 30_000);

  test('an unusable state directory exits 3 before spending the token', async () => {
    const hub = appliance();
    const token = hub.issueToken();
    // A path below a regular file can never be created, even by root.
    const a = agent(enrollFlags(hub, '/dev/null/state', token));
    expect(await a.exited).toBe(3);
    expect(String(a.logged('cannot enroll')[0]?.err)).toContain('not writable');
    expect(hub.enrollRequests).toHaveLength(0);
    expect(hub.tokens.has(token)).toBe(true);
  }, 30_000);

  test('a link that stops answering is detected by the ping probe and replaced', async () => {
    const hub = appliance();
    hub.heartbeatIntervalMs = 100; // probe every 1 s, 1 s to answer
    const a = agent([...enrollFlags(hub, stateDir()), '--reconnect-interval-ms', '100']);
    await hub.waitFor(() => hub.registers.length === 1, 15_000, 'register');
    hub.frozen = true;
    await a.waitForLog((l) => l.msg.includes('did not answer a ping'), 10_000);
    hub.frozen = false;
    await hub.waitFor(() => hub.registers.length === 2, 10_000, 'register on a fresh link');
    expect(hub.upgradeAuth.length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  test('reconnects and registers again after the appliance restarts on the same port', async () => {
    const hub = appliance();
    const state = stateDir();
    const a = agent([...enrollFlags(hub, state), '--reconnect-interval-ms', '200']);
    await hub.waitFor(() => hub.registers.length === 1, 15_000, 'register');
    await hub.stop();
    await a.waitForLog((l) => l.msg === 'link: down' && l.reason === 'closed');
    await Bun.sleep(300); // at least one failed attempt while it is down
    hub.start();
    await hub.waitFor(() => hub.registers.length === 2, 5000, 'register after restart');
    const beatsBefore = hub.heartbeats.length;
    await hub.waitFor(() => hub.heartbeats.length > beatsBefore + 2, 5000, 'heartbeats after restart');
    expect(a.logged('link: down').some((l) => l.reason === 'unreachable')).toBe(true);
  }, 30_000);
});
