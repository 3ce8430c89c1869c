/**
 * What one Playwright run hands out, written down in the run's directory so the global teardown
 * can check it was all cleaned up (a worker killed mid-teardown cannot finish its own cleanup):
 * the prefixes given to workers with their directories, and the pid of the run's agent.
 */
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEnv } from './env';

export interface PrefixRecord {
  prefix: string;
  /** Directories created for it (the pool directory): removed by the worker's teardown. */
  dirs: string[];
}

function runDir(): string {
  const dir = runEnv('runDir');
  if (!dir)
    throw new Error(
      'PADDOCK_E2E_RUN_DIR is not set: run the specs through playwright.config.ts (globalSetup)',
    );
  return dir;
}

export const agentStateDir = (): string => join(runDir(), 'agent-state');

export function recordPrefix(record: PrefixRecord): void {
  appendFileSync(join(runDir(), 'prefixes.jsonl'), `${JSON.stringify(record)}\n`);
}

export function recordedPrefixes(dir: string): PrefixRecord[] {
  const file = join(dir, 'prefixes.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PrefixRecord);
}

const pidFile = (dir: string) => join(dir, 'agent.pid');

export function recordAgentPid(pid: number | undefined): void {
  if (pid === undefined) rmSync(pidFile(runDir()), { force: true });
  else writeFileSync(pidFile(runDir()), String(pid));
}

/**
 * Kills the agent an earlier worker of this run left running (its worker died before teardown),
 * but only when that pid is still our agent binary with this run's state (pids are reused).
 */
export function killLeftoverAgent(dir: string, agentBinary: string): string | undefined {
  const file = pidFile(dir);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  rmSync(file, { force: true });
  let cmdline = '';
  let environ = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return undefined; // already gone
  }
  if (!cmdline.startsWith(agentBinary) || !environ.includes(join(dir, 'agent-state'))) return undefined;
  process.kill(pid, 'SIGKILL');
  return `killed the agent (pid ${pid}) a worker of this run left running`;
}
