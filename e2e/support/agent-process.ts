/**
 * The real `dist/paddock-agent` binary as a child process of a Playwright worker. Its log goes to a
 * file (kept as a test artifact) so a failure can quote it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { dirname, join } from 'node:path';
import { AGENT_BINARY, LIBVIRT_URI, VIRT_TYPE } from './env';

export interface AgentOptions {
  /** The appliance, e.g. http://127.0.0.1:18280. */
  server: string;
  /** Directory for credential.json: an enrolled agent reuses it, a fresh one spends `token`. */
  stateDir: string;
  /** Where the agent's JSON log is written. */
  logFile: string;
  /** Single-use enrollment token; unused once stateDir holds a credential. */
  token?: string;
  /**
   * The hostname the node enrolls under. The agent takes os.hostname() (it has no flag for it), so
   * the process runs in its own UTS namespace (`unshare --uts`, root only) with this name. Without
   * it the machine's hostname is used, and every agent on one appliance would be the same node.
   */
  hostname?: string;
  virtType?: string;
  /** Extra agent arguments (flags win over the environment). */
  args?: readonly string[];
}

export interface AgentProcess {
  readonly pid: number;
  /** The hostname the agent really runs with. */
  readonly hostname: string;
  readonly logFile: string;
  /** Its exit code (or the signal that ended it) once it exited, else undefined. */
  exitStatus(): string | undefined;
  /** The last `lines` lines of its log. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or signal name). */
  stop(graceMs?: number): Promise<string>;
}

let unshareWorks: boolean | undefined;
function canSetHostname(): boolean {
  unshareWorks ??= spawnSync('unshare', ['--uts', 'true'], { timeout: 5000 }).status === 0;
  return unshareWorks;
}

/** Starts the agent binary; a token-less start needs a credential in stateDir. */
export function startAgent(options: AgentOptions): AgentProcess {
  if (!existsSync(AGENT_BINARY)) {
    throw new Error(`no agent binary at ${AGENT_BINARY}: build it with bash scripts/build.sh`);
  }
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(options.logFile), { recursive: true });
  // An explicit, empty config file: an /etc/paddock/agent.json on this machine must not leak in.
  const configFile = join(options.stateDir, 'e2e-agent.json');
  writeFileSync(configFile, '{}\n');
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: process.env['HOME'] ?? '/root',
    PADDOCK_SERVER: options.server,
    PADDOCK_LIBVIRT_URI: LIBVIRT_URI,
    PADDOCK_AGENT_STATE: options.stateDir,
    PADDOCK_AGENT_CONFIG: configFile,
    PADDOCK_METRICS_LISTEN: 'off',
    PADDOCK_VIRT_TYPE: options.virtType ?? VIRT_TYPE,
    // Short: a restarted appliance or a worker's second agent reconnects at once.
    PADDOCK_RECONNECT_INTERVAL_MS: '500',
    PADDOCK_INVENTORY_INTERVAL_MS: '10000',
    PADDOCK_LOG_LEVEL: 'info',
  };
  if (options.token) env['PADDOCK_ENROLL_TOKEN'] = options.token;
  const argv = [AGENT_BINARY, ...(options.args ?? [])];
  const named = options.hostname !== undefined && canSetHostname();
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = named
      ? // unshare and sh both exec, so the child's pid is the agent's.
        spawn(
          'unshare',
          ['--uts', 'sh', '-c', 'hostname "$E2E_AGENT_HOSTNAME" && exec "$@"', 'sh', ...argv],
          {
            env: { ...env, E2E_AGENT_HOSTNAME: options.hostname ?? '' },
            stdio: ['ignore', log, log],
          },
        )
      : spawn(argv[0] as string, argv.slice(1), { env, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  if (child.pid === undefined) throw new Error(`could not start ${AGENT_BINARY}`);
  let exit: string | undefined;
  const exited = new Promise<string>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exit = code === null ? String(signal) : String(code);
      resolveExit(exit);
    });
  });
  const logTail = (lines = 40) => {
    try {
      return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  return {
    pid: child.pid,
    hostname: named ? (options.hostname as string) : osHostname(),
    logFile: options.logFile,
    exitStatus: () => exit,
    logTail,
    async stop(graceMs = 10_000) {
      if (exit !== undefined) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
