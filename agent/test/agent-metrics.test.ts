/** /metrics: the registry's format rules, and a live agent's exposition checked by `promtool check metrics`. */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { MetricsRegistry } from '../src/metrics/registry.ts';
import { AgentProcess } from './agent-fixtures/agent-process.ts';
import type { ApplianceStandIn } from './agent-fixtures/appliance-stand-in.ts';
import { type EnrolledAgent, startEnrolledAgent } from './agent-fixtures/enrolled-agent.ts';

/** Runs promtool on the text; returns its exit code and output (lint problems are printed). */
async function promtool(text: string): Promise<{ code: number; output: string }> {
  const proc = Bun.spawn(['promtool', 'check', 'metrics'], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
  proc.stdin.write(text);
  await proc.stdin.end();
  const code = await proc.exited;
  const output = (await new Response(proc.stdout).text()) + (await new Response(proc.stderr).text());
  return { code, output };
}

/** Value of one series line, e.g. `paddock_agent_connected 1`. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('registry', () => {
  test('HELP/TYPE once per family, escaped labels, counters must be _total', async () => {
    const r = new MetricsRegistry();
    const c = r.counter('demo_requests_total', 'Requests.\nSecond line.');
    const g = r.gauge('demo_temperature_celsius', 'Temperature.');
    c.inc({ path: 'a"b\\c\nd' });
    c.inc({ path: 'a"b\\c\nd' }, 2);
    g.set(Number.POSITIVE_INFINITY);
    g.set(1.5, { zone: 'x', a: 'y' });
    g.set(2.5, { a: 'y', zone: 'x' }); // same series, labels in another order
    const text = await r.render();
    expect(text).toContain('# HELP demo_requests_total Requests.\\nSecond line.');
    expect(text).toContain('demo_requests_total{path="a\\"b\\\\c\\nd"} 3');
    expect(text).toContain('demo_temperature_celsius +Inf');
    expect(text.match(/demo_temperature_celsius\{/g)).toHaveLength(1);
    expect(text).toContain('zone="x",a="y"} 2.5');
    expect(() => r.counter('demo_bad', 'x')).toThrow('_total');
    expect(() => r.gauge('demo_temperature_celsius', 'again')).toThrow('twice');
    expect(() => r.counter('counter-total', 'x')).toThrow('bad metric name');
    expect(() => c.inc({}, -1)).toThrow('cannot decrease');
    expect((await promtool(text)).code).toBe(0);
  });

  test('a failing collector leaves the others rendering', async () => {
    const r = new MetricsRegistry();
    const g = r.gauge('demo_up', 'Up.');
    r.onCollect(() => {
      throw new Error('boom');
    });
    r.onCollect(() => g.set(1));
    expect(await r.render()).toContain('demo_up 1');
  });
});

describe('agent /metrics', () => {
  let rig: EnrolledAgent;
  let hub: ApplianceStandIn;
  let agent: AgentProcess;
  let url: string;

  beforeAll(async () => {
    rig = startEnrolledAgent({
      libvirt: 'test:///default',
      heartbeatIntervalMs: 100,
      metricsListen: '127.0.0.1:0',
      args: ['--reconnect-interval-ms', '200'],
    });
    ({ hub, agent } = rig);
    url = (await agent.waitForLog((l) => l.msg === 'metrics: listening')).url as string;
    await hub.waitFor(() => hub.heartbeats.length >= 2, 15_000, 'heartbeats');
  }, 30_000);

  afterAll(() => rig.stop(), 30_000);

  test('passes promtool and carries host, VM and link series', async () => {
    await hub.peer?.request('ping', {});
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const check = await promtool(text);
    expect(check.output).toBe('');
    expect(check.code).toBe(0);

    expect(value(text, 'paddock_host_memory_total_bytes')).toBeGreaterThan(0);
    expect(value(text, 'paddock_host_memory_used_bytes')).toBeGreaterThan(0);
    expect(value(text, 'paddock_host_disk_total_bytes')).toBeGreaterThan(0);
    expect(value(text, 'paddock_host_disk_used_bytes')).toBeGreaterThan(0);
    const cpu = value(text, 'paddock_host_cpu_usage_ratio') as number;
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(1);
    expect(text).toMatch(/^paddock_host_network_receive_bytes_total\{device="[^"]+"\} \d+/m);
    expect(text).toMatch(/^paddock_host_network_transmit_bytes_total\{device="[^"]+"\} \d+/m);
    // test:///default's built-in running domain "test".
    expect(text).toMatch(/^paddock_vm_cpu_seconds_total\{uuid="[0-9a-f-]{36}",name="test"\} [\d.e+-]+$/m);
    expect(text).toMatch(/^paddock_vm_memory_bytes\{uuid="[0-9a-f-]{36}",name="test"\} \d+/m);
    for (const family of [
      'paddock_vm_disk_read_bytes_total',
      'paddock_vm_disk_write_bytes_total',
      'paddock_vm_network_receive_bytes_total',
      'paddock_vm_network_transmit_bytes_total',
    ]) {
      expect(text).toContain(`# TYPE ${family} counter`);
      expect(text).toMatch(new RegExp(`^${family}\\{uuid="[0-9a-f-]{36}",name="test"\\} \\d+`, 'm'));
    }
    expect(value(text, 'paddock_agent_connected')).toBe(1);
    expect(value(text, 'paddock_agent_reconnects_total')).toBe(0);
    expect(value(text, 'paddock_agent_libvirt_up')).toBe(1);
    expect(value(text, 'paddock_agent_heartbeats_total')).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^paddock_agent_rpc_requests_total\{method="ping",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(
      /^paddock_agent_info\{version="[^"]+",virt_type="(kvm|qemu)",libvirt_uri="test:\/\/\/default"\} 1$/m,
    );
  });

  test('link loss shows as connected 0, a failure reason and reconnect attempts', async () => {
    await hub.stop();
    await agent.waitForLog((l) => l.msg === 'link: down');
    await Bun.sleep(100);
    const down = await (await fetch(url)).text();
    expect(value(down, 'paddock_agent_connected')).toBe(0);
    expect(down).toMatch(/^paddock_agent_link_failures_total\{reason="closed"\} 1$/m);
    expect(down).toMatch(/^paddock_agent_link_last_failure_timestamp_seconds\{reason="closed"\} \d/m);
    expect(down).toMatch(
      /^paddock_agent_link_last_error_info\{reason="closed",error="link closed \(1001[^"]*"\} 1$/m,
    );
    expect((await promtool(down)).code).toBe(0);
    hub.start();
    await hub.waitFor(() => hub.registers.length === 2, 15_000, 'register after restart');
    await Bun.sleep(50);
    const up = await (await fetch(url)).text();
    expect(value(up, 'paddock_agent_connected')).toBe(1);
    expect(value(up, 'paddock_agent_reconnects_total')).toBeGreaterThanOrEqual(1);
  }, 30_000);

  test('a second agent on the same metrics port exits 1 instead of sharing it', async () => {
    const second = new AgentProcess([
      '--server',
      hub.url,
      '--state',
      join(rig.dir, 'state'),
      '--libvirt',
      'test:///default',
      '--metrics-listen',
      new URL(url).host,
    ]);
    expect(await second.exited).toBe(1);
    expect(second.logged('metrics: cannot listen')).toHaveLength(1);
  }, 30_000);

  test('only GET /metrics is served', async () => {
    expect((await fetch(url.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
  });
});
