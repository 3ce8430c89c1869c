/**
 * One attached `console.open` session (the handler and the takeover rule are in console.handlers.ts):
 * the UNIX socket to QEMU, the copy loop each way with credit-paced output, and the first reason to stop.
 */
import { type AgentHandlers, RpcError, RpcErrorCode } from '@paddock/protocol';
import type { Socket } from 'bun';

type OpenContext = Parameters<AgentHandlers['console.open']>[1];

/** Tunables; the defaults suit a console (interactive bytes, VNC frame updates). */
export interface ConsoleOptions {
  /** Largest chunk sent to the appliance: small socket reads are coalesced up to this (default 64 KiB). */
  maxChunkBytes?: number;
  /** Guest output buffered while the appliance grants no credit before reading pauses (default 1 MiB). */
  highWaterBytes?: number;
  /** On guest close, how long buffered output may take to reach the appliance (default 5 s). */
  flushTimeoutMs?: number;
  /** How long a takeover waits for the previous serial session's socket to close (default 5 s). */
  takeoverTimeoutMs?: number;
}

/** Why a session ended, as returned in `{reason}`. */
export const ConsoleCloseReason = {
  GUEST_CLOSED: 'guest console closed',
  DOMAIN_STOPPED: 'domain stopped',
  CLIENT_CLOSED: 'client closed',
  CANCELLED: 'cancelled',
  TAKEN_OVER: 'taken over by a newer console session',
} as const;

/** Where a console's socket is, read from the domain XML. */
export interface ConsoleTarget {
  kind: 'serial' | 'vnc';
  /** Absolute path of QEMU's listening UNIX socket. */
  path: string;
  /** The serial device's alias (serial0…), when libvirt reports one. */
  alias: string | undefined;
}

const conflict = (message: string, data?: unknown) => new RpcError(RpcErrorCode.CONFLICT, message, data);

/** One attached console: the socket, both copy loops and the first reason to stop. */
export class ConsoleSession {
  readonly ended: Promise<string>;
  /** Resolves once the socket is closed (or was never opened). */
  readonly closed: Promise<void>;
  #finish: (reason: string) => void;
  #finished: string | undefined;
  #markClosed: () => void;
  #socket: Socket<undefined> | undefined;
  // Guest output waiting for credit; the pump coalesces it into chunks.
  #queue: Uint8Array[] = [];
  #queued = 0;
  #pumping: Promise<void> | undefined;
  // Resolved by the socket's drain event when a write to the guest was partial.
  #drained: (() => void) | undefined;

  constructor(
    readonly target: ConsoleTarget,
    private readonly ctx: OpenContext,
    private readonly options: Required<ConsoleOptions>,
  ) {
    const ended = Promise.withResolvers<string>();
    this.ended = ended.promise;
    this.#finish = ended.resolve;
    const closed = Promise.withResolvers<void>();
    this.closed = closed.promise;
    this.#markClosed = closed.resolve;
  }

  get finished(): boolean {
    return this.#finished !== undefined;
  }

  /** Ends the session for `reason` (the first reason wins) and closes the socket. */
  finish(reason: string): void {
    if (this.#finished !== undefined) return;
    this.#finished = reason;
    this.#finish(reason);
    this.#drained?.();
    if (this.#socket) this.#socket.end();
    else this.#markClosed();
  }

  /** Waits for the socket to close after finish(); a peer that ignores our FIN is cut off. */
  async waitClosed(timeoutMs: number): Promise<void> {
    const closed = await Promise.race([this.closed.then(() => true), Bun.sleep(timeoutMs).then(() => false)]);
    if (!closed) {
      this.#socket?.terminate();
      this.#markClosed();
    }
  }

  async connect(): Promise<void> {
    const self = this;
    try {
      this.#socket = await Bun.connect({
        unix: this.target.path,
        socket: {
          binaryType: 'uint8array',
          data(_socket, bytes) {
            self.#onGuestData(bytes);
          },
          drain() {
            self.#drained?.();
          },
          close() {
            self.#markClosed();
            self.#guestClosed();
          },
          end() {
            self.#guestClosed();
          },
          error(_socket, error) {
            self.#guestClosed(error);
          },
        },
      });
    } catch (error) {
      this.#markClosed();
      const code = (error as NodeJS.ErrnoException).code;
      throw conflict(
        `cannot attach to the ${this.target.kind} console (${code ?? (error as Error).message}); is the domain running?`,
        { path: this.target.path },
      );
    }
    // Taken over (or cancelled) while connecting: let the next session have the socket.
    if (this.#finished !== undefined) this.#socket.end();
  }

  /** Copies the appliance's bytes to the guest, one chunk at a time so credit paces the sender. */
  async pumpInput(): Promise<void> {
    try {
      for await (const chunk of this.ctx.incoming) {
        if (this.#finished !== undefined) return;
        await this.#writeGuest(chunk);
      }
      this.finish(ConsoleCloseReason.CLIENT_CLOSED);
    } catch (error) {
      // Cancelled or link dropped (nobody reads the reason then), or the appliance failed its stream.
      this.finish(
        this.ctx.signal.aborted
          ? ConsoleCloseReason.CANCELLED
          : `client stream failed: ${RpcError.from(error).message}`,
      );
    }
  }

  async #writeGuest(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.byteLength && this.#finished === undefined) {
      const socket = this.#socket;
      if (!socket) return;
      // byteLength must be given: Bun 1.4 defaults it to the whole buffer, not the rest after
      // byteOffset, and throws RangeError on any retry of a partial write.
      let n: number;
      try {
        n = socket.write(chunk, offset, chunk.byteLength - offset);
      } catch (error) {
        return this.#guestClosed(error as Error);
      }
      if (n < 0) return this.#guestClosed();
      offset += n;
      if (offset < chunk.byteLength) {
        // Partial write: the socket buffer is full; wait for room (or for the end) before the rest.
        await new Promise<void>((resolve) => {
          this.#drained = resolve;
        });
        this.#drained = undefined;
      }
    }
  }

  #onGuestData(bytes: Uint8Array): void {
    if (this.#finished !== undefined) return;
    // Copy: the runtime may reuse the buffer once this callback returns.
    this.#queue.push(bytes.slice());
    this.#queued += bytes.byteLength;
    // The appliance is behind (no credit): stop reading so the guest's side blocks, not our memory.
    if (this.#queued >= this.options.highWaterBytes) this.#socket?.pause();
    this.#kick();
  }

  // One output pump at a time; restarted if data slipped in after its loop saw an empty queue.
  #kick(): void {
    if (this.#pumping || this.#queue.length === 0) return;
    this.#pumping = this.#pumpOutput().finally(() => {
      this.#pumping = undefined;
      if (this.#finished === undefined) this.#kick();
    });
  }

  async #pumpOutput(): Promise<void> {
    const out = this.ctx.outgoing;
    while (this.#queue.length > 0 && !out.closed) {
      const chunk = this.#take();
      this.#queued -= chunk.byteLength;
      if (this.#queued < this.options.highWaterBytes / 2 && this.#finished === undefined) {
        this.#socket?.resume();
      }
      try {
        await out.write(chunk);
      } catch {
        // The call ended underneath (cancel, link drop): the input loop or signal reports why.
        this.#queue = [];
        this.#queued = 0;
        this.finish(ConsoleCloseReason.CANCELLED);
        return;
      }
    }
  }

  // Up to maxChunkBytes from the head of the queue, as one chunk: a credit per socket read would
  // spend the window on tiny reads (a VNC update arrives in many).
  #take(): Uint8Array {
    const first = this.#queue[0] as Uint8Array;
    if (this.#queue.length === 1 || first.byteLength >= this.options.maxChunkBytes) {
      if (first.byteLength <= this.options.maxChunkBytes) return this.#queue.shift() as Uint8Array;
      this.#queue[0] = first.subarray(this.options.maxChunkBytes);
      return first.subarray(0, this.options.maxChunkBytes);
    }
    let size = 0;
    let count = 0;
    for (const part of this.#queue) {
      if (size + part.byteLength > this.options.maxChunkBytes) break;
      size += part.byteLength;
      count++;
    }
    const chunk = new Uint8Array(size);
    let at = 0;
    for (const part of this.#queue.splice(0, count)) {
      chunk.set(part, at);
      at += part.byteLength;
    }
    return chunk;
  }

  // QEMU closed its end (guest powered off, domain destroyed): deliver what it said last, then end.
  #guestClosed(error?: Error): void {
    if (this.#finished !== undefined) return;
    const reason = error ? `guest console error: ${error.message}` : ConsoleCloseReason.GUEST_CLOSED;
    const flushed = this.#pumping ?? Promise.resolve();
    const timeout = Bun.sleep(this.options.flushTimeoutMs);
    void Promise.race([flushed, timeout]).then(() => this.finish(reason));
  }
}
