import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const AGENT_MAIN = join(import.meta.dir, '..', '..', '..', 'agent', 'src', 'main.ts');

/**
 * The real paddock-agent (from source) as a child process, its log kept for failure messages.
 * `extraArgs` are added to its command line (e.g. `--metrics-listen host:port`, `--pool-root dir`);
 * its exporter is off unless they turn it on.
 */
export function spawnAgent(
  server: string,
  token: string,
  libvirt = 'qemu:///system',
  extraArgs: string[] = [],
) {
  const state = mkdtempSync(join(tmpdir(), 'paddock-agent-state-'));
  let log = '';
  const proc = Bun.spawn(
    [
      process.execPath,
      AGENT_MAIN,
      '--server',
      server,
      '--token',
      token,
      '--libvirt',
      libvirt,
      '--state',
      state,
      '--virt-type',
      'qemu',
      ...(extraArgs.includes('--metrics-listen') ? [] : ['--metrics-listen', 'off']),
      ...extraArgs,
    ],
    { stdout: 'pipe', stderr: 'pipe', env: { ...process.env, PADDOCK_LOG_LEVEL: 'info' } },
  );
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log += new TextDecoder().decode(chunk);
  };
  void collect(proc.stdout);
  void collect(proc.stderr);
  return {
    proc,
    state,
    log: () => log,
    async stop() {
      proc.kill('SIGTERM');
      await proc.exited;
    },
  };
}
