/**
 * The agent's settings: flags over environment over the JSON config file over defaults. Every bad
 * value becomes a ConfigError naming the setting and where it came from; main exits 2 on it.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { canonicalPoolRoots, DEFAULT_POOL_ROOTS } from './handlers/pool-paths.ts';

/** How the agent picks the guest virtualization type. */
export type VirtTypeSetting = 'auto' | 'kvm' | 'qemu';

/** Everything `paddock-agent` can be told. */
export interface AgentConfig {
  /** Appliance base URL, http(s)://host[:port][/prefix] (ws/wss given are normalised to it). */
  server: string;
  /** Single-use enrollment token; only used when no credential is stored yet. */
  token: string | undefined;
  /** libvirt URI. */
  libvirt: string;
  /** State directory (holds credential.json). */
  state: string;
  /** `host:port` of the Prometheus exporter, or undefined when switched off. */
  metricsListen: { hostname: string; port: number } | undefined;
  /** PEM file of the CA that signs the appliance's certificate. */
  ca: string | undefined;
  /** Forced virt type, or auto-detection. */
  virtType: VirtTypeSetting;
  /** Delay between connection attempts. */
  reconnectIntervalMs: number;
  /** How often the full domain list is re-sent. */
  inventoryIntervalMs: number;
  /** Directory whose filesystem the disk figures describe. */
  storageRoot: string;
  /** Directories under which storage pools may live (canonical). */
  poolRoots: string[];
  /** Where the file settings came from (for the start-up log line); undefined when there was none. */
  configFile: string | undefined;
}

/** A setting is missing or malformed; the message names it. main exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Default location of the config file. */
export const DEFAULT_CONFIG_FILE = '/etc/paddock/agent.json';

const DEFAULTS = {
  libvirt: 'qemu:///system',
  state: '/var/lib/paddock-agent',
  metricsListen: '127.0.0.1:9464',
  virtType: 'auto',
  reconnectIntervalMs: '5000',
  inventoryIntervalMs: '60000',
  storageRoot: '/var/lib/libvirt',
} as const;

type Key = keyof typeof SETTINGS;

// One row per setting: its flag, environment variable and config-file key.
const SETTINGS = {
  server: { flag: 'server', env: 'PADDOCK_SERVER', file: 'server' },
  token: { flag: 'token', env: 'PADDOCK_ENROLL_TOKEN', file: 'token' },
  libvirt: { flag: 'libvirt', env: 'PADDOCK_LIBVIRT_URI', file: 'libvirt' },
  state: { flag: 'state', env: 'PADDOCK_AGENT_STATE', file: 'state' },
  metricsListen: { flag: 'metrics-listen', env: 'PADDOCK_METRICS_LISTEN', file: 'metricsListen' },
  ca: { flag: 'ca', env: 'PADDOCK_CA', file: 'ca' },
  virtType: { flag: 'virt-type', env: 'PADDOCK_VIRT_TYPE', file: 'virtType' },
  reconnectIntervalMs: {
    flag: 'reconnect-interval-ms',
    env: 'PADDOCK_RECONNECT_INTERVAL_MS',
    file: 'reconnectIntervalMs',
  },
  inventoryIntervalMs: {
    flag: 'inventory-interval-ms',
    env: 'PADDOCK_INVENTORY_INTERVAL_MS',
    file: 'inventoryIntervalMs',
  },
  storageRoot: { flag: 'storage-root', env: 'PADDOCK_STORAGE_ROOT', file: 'storageRoot' },
  poolRoots: { flag: 'pool-root', env: 'PADDOCK_POOL_ROOTS', file: 'poolRoots' },
} as const;

// Flags that may be given more than once; their values are joined with NUL (never in an argument).
const REPEATABLE = new Set(['pool-root']);

const FLAG_TO_KEY = new Map<string, Key>(
  Object.entries(SETTINGS).map(([key, s]) => [s.flag, key as Key] as const),
);

/** Usage text for --help and for errors. */
export const USAGE = `Usage: paddock-agent --server URL [options]

  --server URL                 appliance URL (https://, wss://, http://, ws://)  env PADDOCK_SERVER
  --token TOKEN                single-use enrollment token (first start only)     env PADDOCK_ENROLL_TOKEN
  --libvirt URI                libvirt URI (default qemu:///system)               env PADDOCK_LIBVIRT_URI
  --state DIR                  state directory (default /var/lib/paddock-agent)   env PADDOCK_AGENT_STATE
  --metrics-listen ADDR        Prometheus exporter host:port, or 'off'
                               (default 127.0.0.1:9464)                           env PADDOCK_METRICS_LISTEN
  --ca FILE                    PEM CA bundle trusted for https/wss                env PADDOCK_CA
  --virt-type auto|kvm|qemu    guest virtualization (default auto)                env PADDOCK_VIRT_TYPE
  --reconnect-interval-ms N    delay between connection attempts (default 5000)
  --inventory-interval-ms N    domain inventory period (default 60000)
  --storage-root DIR           filesystem reported as disk (default /var/lib/libvirt)
  --pool-root DIR              a directory under which storage pools may live; repeat for more
                               (default /var/lib/libvirt/images and /var/lib/paddock/pools)
                                                                  env PADDOCK_POOL_ROOTS (colon-separated)
  --config FILE                JSON settings (default /etc/paddock/agent.json)
  --help, --version

Precedence: flags > environment > config file > defaults.
`;

/** What the command line asked for besides settings. */
export type CliRequest = { kind: 'run'; config: AgentConfig } | { kind: 'help' } | { kind: 'version' };

/** Splits `--name value` and `--name=value` flags; anything else is an error. */
export function parseArgs(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h' || arg === '--version') {
      flags.set(arg.replace(/^-+/, ''), 'true');
      continue;
    }
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (name !== 'config' && !FLAG_TO_KEY.has(name)) throw new ConfigError(`unknown flag --${name}`);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`--${name} needs a value`);
      i++;
    }
    const before = flags.get(name);
    if (before !== undefined && !REPEATABLE.has(name)) throw new ConfigError(`--${name} given twice`);
    flags.set(name, before === undefined ? value : `${before}\0${value}`);
  }
  return flags;
}

function readConfigFile(path: string, explicit: boolean): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // The default file is optional; one named on purpose must exist.
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  const known = new Set<string>(Object.values(SETTINGS).map((s) => s.file));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError(`config file ${path}: unknown key "${key}"`);
  }
  return parsed as Record<string, unknown>;
}

/** A raw value and the place it came from, for error messages. */
interface Raw {
  value: string;
  from: string;
}

function pick(
  key: Key,
  flags: Map<string, string>,
  env: Record<string, string | undefined>,
  file: Record<string, unknown> | undefined,
  filePath: string,
): Raw | undefined {
  const s = SETTINGS[key];
  const flag = flags.get(s.flag);
  if (flag !== undefined) return { value: flag, from: `--${s.flag}` };
  const fromEnv = env[s.env];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, from: s.env };
  let fromFile = file?.[s.file];
  if (key === 'poolRoots' && Array.isArray(fromFile) && fromFile.every((v) => typeof v === 'string')) {
    fromFile = fromFile.join('\0');
  }
  if (fromFile !== undefined && fromFile !== null) {
    if (typeof fromFile !== 'string' && typeof fromFile !== 'number') {
      throw new ConfigError(`${filePath}: "${s.file}" must be a string or number`);
    }
    return { value: String(fromFile), from: `${filePath} "${s.file}"` };
  }
  const fallback = (DEFAULTS as Record<string, string>)[key];
  return fallback === undefined ? undefined : { value: fallback, from: 'default' };
}

function parseServer(raw: Raw): string {
  let url: URL;
  try {
    url = new URL(raw.value);
  } catch {
    throw new ConfigError(`${raw.from}: "${raw.value}" is not a URL`);
  }
  // The installer documents wss://host:port; the agent needs the http(s) base for enrollment and
  // derives ws(s)://…/ws/agent from it, so both spellings (and a pasted hub URL) are accepted.
  const scheme = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[url.protocol];
  if (!scheme) {
    throw new ConfigError(`${raw.from}: the server URL must start with https://, wss://, http:// or ws://`);
  }
  if (url.search || url.hash) throw new ConfigError(`${raw.from}: the server URL takes no query or fragment`);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/ws\/agent$/, '');
  return `${scheme}//${url.host}${path}`;
}

/** Parses `host:port`, `[v6]:port` or `off`. */
export function parseListen(raw: Raw): { hostname: string; port: number } | undefined {
  if (raw.value === 'off') return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(raw.value);
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    throw new ConfigError(`${raw.from}: "${raw.value}" must be host:port (port 0-65535) or 'off'`);
  }
  return { hostname: (match[1] ?? match[2]) as string, port };
}

function parseInterval(raw: Raw, min: number): number {
  const n = Number(raw.value);
  if (!/^\d+$/.test(raw.value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new ConfigError(`${raw.from}: "${raw.value}" must be an integer of at least ${min} (milliseconds)`);
  }
  return n;
}

function parseVirtType(raw: Raw): VirtTypeSetting {
  if (raw.value === 'auto' || raw.value === 'kvm' || raw.value === 'qemu') return raw.value;
  throw new ConfigError(`${raw.from}: virt type must be auto, kvm or qemu, got "${raw.value}"`);
}

function parseLibvirtUri(raw: Raw): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw.value)) {
    throw new ConfigError(`${raw.from}: "${raw.value}" is not a libvirt URI (e.g. qemu:///system)`);
  }
  return raw.value;
}

function parsePoolRoots(raw: Raw | undefined, state: string): string[] {
  if (!raw) return [...DEFAULT_POOL_ROOTS];
  const roots = raw.value.split(raw.from === SETTINGS.poolRoots.env ? ':' : '\0').filter((r) => r !== '');
  if (roots.length === 0) throw new ConfigError(`${raw.from}: give at least one pool root`);
  try {
    return canonicalPoolRoots(roots, state);
  } catch (error) {
    throw new ConfigError(`${raw.from}: ${(error as Error).message}`);
  }
}

function parseCa(raw: Raw): string {
  const path = resolve(raw.value);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(`${raw.from}: CA file ${path} is missing or unreadable`);
  }
  if (!readFileSync(path, 'utf8').includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`${raw.from}: ${path} holds no PEM certificate`);
  }
  return path;
}

/**
 * Builds the configuration from argv (without the program name), the environment and the config
 * file. Throws ConfigError on any bad value.
 */
export function loadConfig(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): CliRequest {
  const flags = parseArgs(argv);
  if (flags.has('help') || flags.has('h')) return { kind: 'help' };
  if (flags.has('version')) return { kind: 'version' };
  const explicitFile = flags.get('config') ?? env.PADDOCK_AGENT_CONFIG;
  const filePath = resolve(explicitFile ?? DEFAULT_CONFIG_FILE);
  const file = readConfigFile(filePath, explicitFile !== undefined);
  const get = (key: Key) => pick(key, flags, env, file, filePath);

  const server = get('server');
  if (!server) {
    throw new ConfigError(
      'no appliance URL: give --server URL (or PADDOCK_SERVER, or "server" in the config file)',
    );
  }
  const state = get('state') as Raw;
  const storageRoot = get('storageRoot') as Raw;
  const ca = get('ca');
  const token = get('token');
  return {
    kind: 'run',
    config: {
      server: parseServer(server),
      token: token?.value || undefined,
      libvirt: parseLibvirtUri(get('libvirt') as Raw),
      state: resolve(state.value),
      metricsListen: parseListen(get('metricsListen') as Raw),
      ca: ca ? parseCa(ca) : undefined,
      virtType: parseVirtType(get('virtType') as Raw),
      reconnectIntervalMs: parseInterval(get('reconnectIntervalMs') as Raw, 10),
      inventoryIntervalMs: parseInterval(get('inventoryIntervalMs') as Raw, 100),
      storageRoot: resolve(storageRoot.value),
      poolRoots: parsePoolRoots(get('poolRoots'), resolve(state.value)),
      configFile: file ? filePath : undefined,
    },
  };
}
