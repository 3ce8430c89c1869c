import { type Connection, Libvirt } from '../libvirt/index.ts';
import type { Logger } from '../log.ts';

/** Options of the keeper. */
export interface LibvirtKeeperOptions {
  uri: string;
  logger: Logger;
  /** First retry delay after a failed open; doubles up to 60 s. */
  retryMs: number;
  /** Told when the connection opens or closes (metrics). */
  onChange?: (conn: Connection | undefined) => void;
}

/**
 * Owns the agent's libvirt connection. libvirtd may start after the agent (boot order, package
 * upgrade), so the first open is retried with a capped backoff instead of failing. Once open, a
 * libvirtd restart is the binding's business: its call workers reopen their connections and its
 * event worker re-subscribes. Everyone reads `keeper.conn` at call time.
 */
export class LibvirtKeeper {
  readonly #o: LibvirtKeeperOptions;
  #conn: Connection | undefined;
  #closed = false;

  constructor(options: LibvirtKeeperOptions) {
    this.#o = options;
  }

  /** The open connection. Throws before open() succeeded. */
  get conn(): Connection {
    if (!this.#conn) throw new Error('libvirt is not connected');
    return this.#conn;
  }

  /** Opens the connection, retrying until it succeeds (true) or `signal` aborts (false). */
  async open(signal: AbortSignal): Promise<boolean> {
    let failures = 0;
    while (!signal.aborted && !this.#closed) {
      try {
        this.#conn = await Libvirt.open(this.#o.uri);
        this.#o.logger.info({ uri: this.#o.uri, workers: this.#conn.workers }, 'libvirt: connected');
        this.#o.onChange?.(this.#conn);
        return true;
      } catch (error) {
        failures++;
        // Capped backoff: a host without libvirtd should not flood the journal.
        const delay = Math.min(this.#o.retryMs * 2 ** Math.min(failures - 1, 5), 60_000);
        this.#o.logger.error(
          { uri: this.#o.uri, err: (error as Error).message, retryInMs: delay },
          'libvirt: cannot connect',
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        });
      }
    }
    return false;
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    const conn = this.#conn;
    this.#conn = undefined;
    this.#o.onChange?.(undefined);
    await conn?.close();
  }
}
