import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitHealthy } from './served-app.ts';
import { ADMIN_PASSWORD, type Dialect, freshDatabase } from './test-app.ts';

const MAIN = join(import.meta.dir, '..', '..', 'src', 'main.ts');

/** An appliance in its own process (main.ts from source, or `PADDOCK_TEST_BINARY`), on a fresh database. */
export interface SpawnedAppliance {
  base: string;
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  /** The process's resident set in bytes (/proc/<pid>/status VmRSS). */
  rss(): number;
  /** True while the process runs. */
  alive(): boolean;
  /** Everything the process logged so far (stdout and stderr). */
  log(): string;
  /** The database URL on PostgreSQL; undefined on PGlite. */
  databaseUrl?: string;
  stop(): Promise<void>;
}

/**
 * Starts `paddock serve` on `port` as a real process: what a client on the network reaches,
 * with Bun.serve's own limits and the process's own memory to measure.
 */
export async function spawnAppliance(
  dialect: Dialect,
  port: number,
  env: Record<string, string> = {},
): Promise<SpawnedAppliance> {
  const database = await freshDatabase(dialect);
  const binary = process.env.PADDOCK_TEST_BINARY;
  const command = binary ? [binary] : [process.execPath, MAIN];
  const proc = Bun.spawn(
    [...command, 'serve', '--data', database.dataDir, '--port', String(port), '--host', '127.0.0.1'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        PADDOCK_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ...database.env,
        ...env,
      },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    },
  );
  const chunks: string[] = [];
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const piece of stream) {
      chunks.push(decoder.decode(piece, { stream: true }));
      // A long fuzz logs a line per request: keep the tail, which holds what matters.
      if (chunks.length > 20_000) chunks.splice(0, 10_000);
    }
  };
  void drain(proc.stdout);
  void drain(proc.stderr);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await proc.exited;
      clearTimeout(killer);
    }
    await database.drop();
  };
  try {
    await waitHealthy(base, proc, 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${chunks.join('')}`);
  }
  return {
    base,
    proc,
    ...(database.env.DATABASE_URL && { databaseUrl: database.env.DATABASE_URL }),
    rss: () => rssOf(proc.pid),
    alive: () => proc.exitCode === null && proc.signalCode === null,
    log: () => chunks.join(''),
    stop,
  };
}

/** The resident set of process `pid` in bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/**
 * A body of `total` bytes sent chunked (no Content-Length), produced as it is read: the client
 * never holds it, so only the server's handling decides what it costs. `sent()` says how much went.
 */
export function streamedBody(total: number, piece = 64 * 1024) {
  const chunk = new Uint8Array(piece).fill(0x61);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const n = Math.min(piece, total - sent);
      sent += n;
      controller.enqueue(n === piece ? chunk : chunk.subarray(0, n));
    },
  });
  return { body, sent: () => sent };
}
