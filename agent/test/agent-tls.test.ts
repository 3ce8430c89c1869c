/**
 * https/wss with a private CA: `--ca` is used for the enrollment POST and the WebSocket; without
 * it the agent refuses the unknown certificate and keeps retrying.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentProcess } from './agent-fixtures/agent-process.ts';
import { ApplianceStandIn } from './agent-fixtures/appliance-stand-in.ts';

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'paddock-agent-tls-'));
  // A CA and a server certificate for 127.0.0.1 signed by it.
  await Bun.$`openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=paddock-test-ca -keyout ${dir}/ca.key -out ${dir}/ca.pem`.quiet();
  await Bun.$`openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout ${dir}/server.key -out ${dir}/server.csr`.quiet();
  await Bun.write(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  await Bun.$`openssl x509 -req -in ${dir}/server.csr -CA ${dir}/ca.pem -CAkey ${dir}/ca.key -CAcreateserial -days 2 -extfile ${dir}/ext.cnf -out ${dir}/server.pem`.quiet();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TLS', () => {
  test('enrolls over https and links over wss with --ca; without it the certificate is refused', async () => {
    const hub = new ApplianceStandIn({
      cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
      key: readFileSync(join(dir, 'server.key'), 'utf8'),
    }).start();
    const common = ['--server', hub.url, '--libvirt', 'test:///default', '--metrics-listen', 'off'];
    try {
      // No CA: enrollment cannot reach the appliance; it retries rather than exiting.
      const untrusted = new AgentProcess([
        ...common,
        '--token',
        hub.issueToken(),
        '--state',
        join(dir, 's1'),
        '--reconnect-interval-ms',
        '100',
      ]);
      const warned = await untrusted.waitForLog(
        (l) => l.msg === 'enrollment: appliance unreachable, retrying',
      );
      expect(String(warned.err)).not.toBe('');
      expect(hub.enrollRequests).toHaveLength(0);
      await untrusted.stop();

      const trusted = new AgentProcess([
        ...common,
        '--token',
        hub.issueToken(),
        '--state',
        join(dir, 's2'),
        '--ca',
        join(dir, 'ca.pem'),
      ]);
      try {
        await hub.waitFor(() => hub.registers[0], 15_000, 'register over wss');
        await hub.waitFor(() => hub.heartbeats.length >= 1, 5000, 'heartbeat over wss');
        expect(hub.enrollRequests).toHaveLength(1);
        await trusted.waitForLog(
          (l) => l.msg === 'link: connecting' && String(l.url).startsWith('wss://127.0.0.1:'),
        );
      } finally {
        await trusted.stop();
      }
    } finally {
      await hub.stop();
    }
  }, 60_000);
});
