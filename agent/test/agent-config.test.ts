/** Configuration: precedence flags > env > file > defaults, validation, and exit code 2 on bad values. */
import { afterAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentConfig, ConfigError, loadConfig } from '../src/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'paddock-agent-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const AS_ROOT = process.getuid?.() === 0;
if (AS_ROOT)
  console.warn(
    '[agent-config] one test skipped: running as root, which reads a file without read permission',
  );

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const CA = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
// Tests name an empty file so a real /etc/paddock/agent.json on the machine cannot leak in.
const NO_FILE = file('empty.json', '{}');

function config(argv: string[], env: Record<string, string> = {}): AgentConfig {
  const r = loadConfig(argv, { PADDOCK_AGENT_CONFIG: NO_FILE, ...env });
  if (r.kind !== 'run') throw new Error(`expected run, got ${r.kind}`);
  return r.config;
}

function configError(argv: string[], env: Record<string, string> = {}): string {
  try {
    loadConfig(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  test('pool roots: two defaults, --pool-root repeatable, env colon-separated, file array; no system dir', () => {
    expect(config(['--server', 'http://a']).poolRoots).toEqual([
      '/var/lib/libvirt/images',
      '/var/lib/paddock/pools',
    ]);
    expect(config(['--server', 'http://a', '--pool-root', '/srv/a', '--pool-root=/srv/b']).poolRoots).toEqual(
      ['/srv/a', '/srv/b'],
    );
    expect(config(['--server', 'http://a'], { PADDOCK_POOL_ROOTS: '/srv/c:/srv/d' }).poolRoots).toEqual([
      '/srv/c',
      '/srv/d',
    ]);
    const roots = file('roots.json', JSON.stringify({ poolRoots: ['/srv/e'] }));
    expect(config(['--server', 'http://a', '--config', roots]).poolRoots).toEqual(['/srv/e']);
    for (const bad of ['/', '/etc', '/var', '/srv/../etc', 'relative']) {
      expect(
        configError(['--server', 'http://a', '--pool-root', bad], { PADDOCK_AGENT_CONFIG: NO_FILE }),
      ).toContain('--pool-root');
    }
    expect(
      configError(['--server', 'http://a', '--state', '/srv/s', '--pool-root', '/srv/s/pools']),
    ).toContain('system directory');
  });

  test('defaults', () => {
    // A default config file that does not exist is fine; only an explicit one must exist.
    const c = loadConfig(['--server', 'http://a:8080/'], {});
    expect(c.kind).toBe('run');
    const cfg = (c as { config: AgentConfig }).config;
    expect(cfg).toMatchObject({
      server: 'http://a:8080',
      token: undefined,
      libvirt: 'qemu:///system',
      state: '/var/lib/paddock-agent',
      metricsListen: { hostname: '127.0.0.1', port: 9464 },
      ca: undefined,
      virtType: 'auto',
      reconnectIntervalMs: 5000,
      inventoryIntervalMs: 60000,
      storageRoot: '/var/lib/libvirt',
    });
  });

  test('precedence: flags over environment over file over defaults', () => {
    const cfgFile = file(
      'agent.json',
      JSON.stringify({
        server: 'https://file',
        token: 'file-token',
        libvirt: 'test:///file',
        state: '/file',
        metricsListen: 'off',
        virtType: 'qemu',
      }),
    );
    const fromFile = config(['--config', cfgFile]);
    expect(fromFile).toMatchObject({
      server: 'https://file',
      token: 'file-token',
      libvirt: 'test:///file',
      state: '/file',
      metricsListen: undefined,
      virtType: 'qemu',
      configFile: cfgFile,
    });
    const env = {
      PADDOCK_SERVER: 'https://env',
      PADDOCK_ENROLL_TOKEN: 'env-token',
      PADDOCK_LIBVIRT_URI: 'test:///env',
      PADDOCK_AGENT_STATE: '/env',
      PADDOCK_METRICS_LISTEN: '0.0.0.0:9100',
    };
    expect(config(['--config', cfgFile], env)).toMatchObject({
      server: 'https://env',
      token: 'env-token',
      libvirt: 'test:///env',
      state: '/env',
      metricsListen: { hostname: '0.0.0.0', port: 9100 },
      virtType: 'qemu',
    });
    const flags = [
      '--config',
      cfgFile,
      '--server',
      'http://flag:1',
      '--token=flag-token',
      '--libvirt',
      'test:///default',
      '--state',
      '/flag',
      '--metrics-listen',
      '[::1]:9999',
      '--virt-type',
      'kvm',
      '--ca',
      CA,
    ];
    expect(config(flags, env)).toMatchObject({
      server: 'http://flag:1',
      token: 'flag-token',
      libvirt: 'test:///default',
      state: '/flag',
      metricsListen: { hostname: '::1', port: 9999 },
      virtType: 'kvm',
      ca: CA,
    });
  });

  test('server URLs: ws/wss normalised to http/https, a pasted hub path dropped, prefixes kept', () => {
    expect(config(['--server', 'wss://paddock.example.com:8080']).server).toBe(
      'https://paddock.example.com:8080',
    );
    expect(config(['--server', 'ws://10.0.0.1/ws/agent']).server).toBe('http://10.0.0.1');
    expect(config(['--server', 'https://h/paddock/']).server).toBe('https://h/paddock');
  });

  test('the config file may also be named by PADDOCK_AGENT_CONFIG', () => {
    const cfgFile = file('env-named.json', JSON.stringify({ server: 'http://named' }));
    expect(config([], { PADDOCK_AGENT_CONFIG: cfgFile }).server).toBe('http://named');
  });

  test('bad values are ConfigErrors naming the setting', () => {
    expect(configError([], { PADDOCK_AGENT_CONFIG: NO_FILE })).toContain('--server');
    expect(configError(['--server', 'ftp://x'])).toContain('must start with https://, wss://');
    expect(configError(['--server', 'not a url'])).toContain('not a URL');
    expect(configError(['--server', 'http://a', '--metrics-listen', '9464'])).toContain('--metrics-listen');
    expect(configError(['--server', 'http://a', '--metrics-listen', 'h:70000'])).toContain('host:port');
    expect(configError(['--server', 'http://a', '--virt-type', 'xen'])).toContain('auto, kvm or qemu');
    expect(configError(['--server', 'http://a', '--libvirt', 'system'])).toContain('libvirt URI');
    expect(configError(['--server', 'http://a', '--ca', join(dir, 'missing.pem')])).toContain(
      'missing or unreadable',
    );
    expect(configError(['--server', 'http://a', '--ca', file('not-pem.txt', 'hello')])).toContain('no PEM');
    expect(configError(['--server', 'http://a', '--reconnect-interval-ms', '-5'])).toContain('integer');
    expect(configError(['--server', 'http://a', '--reconnect-interval-ms', '1.5'])).toContain('integer');
    expect(configError(['--bogus', 'x'])).toContain('unknown flag --bogus');
    expect(configError(['--server'])).toContain('needs a value');
    expect(configError(['stray'])).toContain('unexpected argument');
    expect(configError(['--server', 'http://a', '--server', 'http://b'])).toContain('twice');
    expect(configError(['--config', join(dir, 'nope.json')])).toContain('cannot read config file');
    expect(configError(['--config', file('bad.json', '{oops')])).toContain('not valid JSON');
    expect(configError(['--config', file('arr.json', '[]')])).toContain('JSON object');
    expect(configError(['--config', file('unknown.json', '{"servr":"http://a"}')])).toContain(
      'unknown key "servr"',
    );
    expect(configError(['--config', file('obj.json', '{"server":{"a":1}}')])).toContain('string or number');
    expect(configError(['--server', 'http://a'], { PADDOCK_METRICS_LISTEN: 'nope' })).toContain(
      'PADDOCK_METRICS_LISTEN',
    );
  });

  test('an unreadable config file (a directory) is an error, not silently skipped', () => {
    // A directory cannot be read even by root, so this holds in CI, which runs as root.
    const notAFile = join(dir, 'config-dir.json');
    mkdirSync(notAFile);
    expect(configError(['--config', notAFile])).toContain('cannot read');
    expect(configError([], { PADDOCK_AGENT_CONFIG: notAFile })).toContain('cannot read');
  });

  test.skipIf(AS_ROOT)(
    'a config file without read permission is an error (skipped as root: root reads any file)',
    () => {
      const locked = file('locked.json', '{}');
      chmodSync(locked, 0);
      expect(configError(['--config', locked])).toContain('cannot read');
    },
  );

  test('--help and --version', () => {
    expect(loadConfig(['--help'], {}).kind).toBe('help');
    expect(loadConfig(['--version'], {}).kind).toBe('version');
  });

  test('the program exits 2 with the message on a bad value', async () => {
    const proc = Bun.spawn(
      [
        process.execPath,
        join(import.meta.dir, '../src/main.ts'),
        '--server',
        'http://a',
        '--virt-type',
        'xen',
      ],
      {
        stdout: 'pipe',
        stderr: 'pipe',
        env: { PATH: process.env.PATH ?? '', PADDOCK_AGENT_CONFIG: NO_FILE },
      },
    );
    expect(await proc.exited).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain('virt type must be auto, kvm or qemu');
  }, 30_000);
});
