import { resolve } from 'node:path';

/** Everything `paddock serve` can be told, from flags first, then the environment, then defaults. */
export interface Config {
  dataDir: string;
  host: string;
  port: number;
  databaseUrl?: string;
  redisUrl?: string;
  adminPassword?: string;
  jwtSecret?: string;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  /** Login attempts one address may make against one user per window. */
  loginMaxFailures: number;
  /** Login attempts one address may make per window, whatever the users. */
  loginAddressMaxFailures: number;
  /** Login attempts against one user per window from all addresses together. */
  loginUserMaxFailures: number;
  loginWindowSec: number;
  /** Audit records older than this many days are pruned; 0 keeps them forever. */
  auditRetentionDays: number;
  tlsCert?: string;
  tlsKey?: string;
  maxBodyBytes: number;
  /** The largest image an upload accepts; also Bun.serve's limit, the upload being the only large body. */
  maxUploadBytes: number;
  /** How often agents report (sent to them at register). */
  heartbeatIntervalMs: number;
  /** A node without a heartbeat for this long is marked offline. */
  nodeOfflineAfterMs: number;
  /** Lifetime of agent credentials; 0 = until revoked. */
  agentCredentialTtlSec: number;
  /** vCPUs placed per host CPU. */
  cpuOvercommit: number;
  /** Guest memory placed per byte of host memory. */
  memoryOvercommit: number;
  /** Tasks one worker runs at once (they mostly wait on agents). */
  workerConcurrency: number;
  /** How long a claimed task stays its worker's without a renewal (a dead worker's tasks wait this long). */
  taskLeaseMs: number;
  /** How long a cancelled handler may take to stop before its task is settled without it. */
  taskAbortGraceMs: number;
  /** Where `paddock worker` serves /metrics (host:port), or 'off'. `serve` has /metrics on its port. */
  workerMetricsListen: string;
  /** How often open event streams and consoles re-check their user's access (besides on every change). */
  streamRecheckMs: number;
  /** Event streams one user may hold open on one replica; the next is answered 429. */
  eventStreamsPerUser: number;
  /** Bytes an event stream may queue for a client that does not read before it is dropped. */
  eventsBufferBytes: number;
}

function ratioOf(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 64)
    throw new Error(`${name} must be a ratio between 0 and 64, got "${value}"`);
  return n;
}

/** Reads `--name value` / `--name=value` flags into a map. */
export function parseFlags(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('--'))
      flags.set(arg.slice(2), argv[++i] ?? '');
    else flags.set(arg.slice(2), 'true');
  }
  return flags;
}

function intOf(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** Builds the configuration; throws with the offending setting's name on bad values. */
export function loadConfig(
  flags: Map<string, string>,
  env: Record<string, string | undefined> = process.env,
): Config {
  const port = intOf(flags.get('port') ?? env.PADDOCK_PORT, 8080, 'port');
  if (port > 65535) throw new Error(`port must be at most 65535, got ${port}`);
  const loginMaxFailures = intOf(env.PADDOCK_LOGIN_MAX_FAILURES, 5, 'PADDOCK_LOGIN_MAX_FAILURES');
  return {
    dataDir: resolve(flags.get('data') ?? env.PADDOCK_DATA ?? './paddock-data'),
    host: flags.get('host') ?? env.PADDOCK_HOST ?? '0.0.0.0',
    port,
    databaseUrl: flags.get('database-url') ?? (env.DATABASE_URL || undefined),
    redisUrl: flags.get('redis-url') ?? (env.REDIS_URL || undefined),
    adminPassword: env.PADDOCK_ADMIN_PASSWORD || undefined,
    jwtSecret: env.PADDOCK_JWT_SECRET || undefined,
    accessTokenTtlSec: Math.min(intOf(env.PADDOCK_ACCESS_TOKEN_TTL, 900, 'PADDOCK_ACCESS_TOKEN_TTL'), 900),
    refreshTokenTtlSec: intOf(env.PADDOCK_REFRESH_TOKEN_TTL, 7 * 24 * 3600, 'PADDOCK_REFRESH_TOKEN_TTL'),
    loginMaxFailures,
    loginAddressMaxFailures: intOf(
      env.PADDOCK_LOGIN_ADDRESS_MAX_FAILURES,
      loginMaxFailures * 4,
      'PADDOCK_LOGIN_ADDRESS_MAX_FAILURES',
    ),
    loginUserMaxFailures: intOf(
      env.PADDOCK_LOGIN_USER_MAX_FAILURES,
      loginMaxFailures * 10,
      'PADDOCK_LOGIN_USER_MAX_FAILURES',
    ),
    loginWindowSec: Math.max(1, intOf(env.PADDOCK_LOGIN_WINDOW, 900, 'PADDOCK_LOGIN_WINDOW')),
    auditRetentionDays: intOf(env.PADDOCK_AUDIT_RETENTION_DAYS, 90, 'PADDOCK_AUDIT_RETENTION_DAYS'),
    tlsCert: flags.get('tls-cert') ?? env.PADDOCK_TLS_CERT,
    tlsKey: flags.get('tls-key') ?? env.PADDOCK_TLS_KEY,
    maxBodyBytes: intOf(env.PADDOCK_MAX_BODY_BYTES, 1024 * 1024, 'PADDOCK_MAX_BODY_BYTES'),
    maxUploadBytes: intOf(env.PADDOCK_MAX_UPLOAD_BYTES, 16 * 1024 ** 3, 'PADDOCK_MAX_UPLOAD_BYTES'),
    heartbeatIntervalMs: intOf(env.PADDOCK_HEARTBEAT_INTERVAL_MS, 30_000, 'PADDOCK_HEARTBEAT_INTERVAL_MS'),
    nodeOfflineAfterMs: intOf(env.PADDOCK_NODE_OFFLINE_AFTER_MS, 90_000, 'PADDOCK_NODE_OFFLINE_AFTER_MS'),
    agentCredentialTtlSec: intOf(env.PADDOCK_AGENT_CREDENTIAL_TTL, 0, 'PADDOCK_AGENT_CREDENTIAL_TTL'),
    cpuOvercommit: ratioOf(env.PADDOCK_CPU_OVERCOMMIT, 4, 'PADDOCK_CPU_OVERCOMMIT'),
    memoryOvercommit: ratioOf(env.PADDOCK_MEMORY_OVERCOMMIT, 1, 'PADDOCK_MEMORY_OVERCOMMIT'),
    workerConcurrency: Math.max(1, intOf(env.PADDOCK_WORKER_CONCURRENCY, 16, 'PADDOCK_WORKER_CONCURRENCY')),
    taskLeaseMs: Math.max(300, intOf(env.PADDOCK_TASK_LEASE_MS, 30_000, 'PADDOCK_TASK_LEASE_MS')),
    taskAbortGraceMs: intOf(env.PADDOCK_TASK_ABORT_GRACE_MS, 30_000, 'PADDOCK_TASK_ABORT_GRACE_MS'),
    workerMetricsListen: flags.get('metrics-listen') ?? env.PADDOCK_WORKER_METRICS_LISTEN ?? '127.0.0.1:9465',
    streamRecheckMs: Math.max(100, intOf(env.PADDOCK_STREAM_RECHECK_MS, 5_000, 'PADDOCK_STREAM_RECHECK_MS')),
    eventStreamsPerUser: Math.max(
      1,
      intOf(env.PADDOCK_EVENT_STREAMS_PER_USER, 8, 'PADDOCK_EVENT_STREAMS_PER_USER'),
    ),
    eventsBufferBytes: Math.max(
      4096,
      intOf(env.PADDOCK_EVENTS_BUFFER_BYTES, 1024 * 1024, 'PADDOCK_EVENTS_BUFFER_BYTES'),
    ),
  };
}
