/** Runs paddock-agent as a child process (source via bun, or a compiled binary) and reads its JSON log. */
import type { Subprocess } from 'bun';
import { join } from 'node:path';

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

const MAIN = join(import.meta.dir, '../../src/main.ts');

/** A running agent. */
export class AgentProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly #proc: Subprocess<'ignore', 'pipe', 'pipe'>;
  readonly exited: Promise<number>;

  constructor(args: string[], options: { env?: Record<string, string>; binary?: string; cwd?: string } = {}) {
    const cmd = options.binary ? [options.binary, ...args] : [process.execPath, MAIN, ...args];
    this.#proc = Bun.spawn(cmd, {
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        PADDOCK_LOG_LEVEL: 'debug',
        ...options.env,
      },
    });
    void this.#read(this.#proc.stdout, (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ level: 'raw', msg: line });
      }
    });
    void this.#read(this.#proc.stderr, (line) => void this.stderr.push(line));
    this.exited = this.#proc.exited;
  }

  /** The first log line matching, waiting up to `timeoutMs`. */
  async waitForLog(match: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`agent log: no matching line within ${timeoutMs} ms; got:\n${this.dump()}`);
      }
      await Bun.sleep(10);
    }
  }

  /** Log lines whose message contains `text`. */
  logged(text: string): LogLine[] {
    return this.lines.filter((l) => l.msg.includes(text));
  }

  /** The log as text, for failure messages. */
  dump(): string {
    return [...this.lines.map((l) => JSON.stringify(l)), ...this.stderr].join('\n');
  }

  /** SIGTERM, then the exit code. */
  async stop(): Promise<number> {
    this.#proc.kill('SIGTERM');
    const timer = setTimeout(() => this.#proc.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  async #read(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of stream) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim()) onLine(line);
        nl = buffered.indexOf('\n');
      }
    }
    if (buffered.trim()) onLine(buffered);
  }
}
