/**
 * `console.open`: attaches a VM's serial console or VNC display to an RPC byte stream.
 *
 * The appliance defines every domain with QEMU listening on UNIX sockets only (no console port on
 * any network, see appliance/src/libvirt-xml/domain-xml.ts):
 *   <serial type='unix'><source mode='bind' path='/var/lib/libvirt/qemu/paddock-<uuid>-serial.sock'/>…
 *   <graphics type='vnc'><listen type='socket'/></graphics>
 * The handler reads the socket path from the RUNNING domain's XML (the source of truth: libvirt
 * generates the VNC path, /var/lib/libvirt/qemu/domain-<id>-<name>/vnc.sock, at each start — and
 * drops a VNC socket path under /var/lib/libvirt/qemu/ given in the definition), connects to it and
 * copies bytes both ways until either side ends.
 *
 * One serial client at a time, newest wins: QEMU's chardev server stops accepting while a client is
 * attached, so a second connection would sit silently in the kernel's backlog. Rather than answer
 * CONFLICT — which would lock a user out behind a session whose browser tab is gone but whose link
 * has not noticed yet — a new serial open ends the older one (its result says it was taken over),
 * waits for its socket to close, then connects. This is per agent process; a client attached to
 * the socket by other means (socat by hand) cannot be detected and makes the open hang silently.
 * VNC needs none of that: QEMU's VNC server serves several clients at once (RFB's shared flag).
 */
import { type AgentHandlers, RpcError, RpcErrorCode } from '@paddock/protocol';
import type { Socket } from 'bun';
import type { Connection } from '../libvirt/index.ts';
import { toRpcError } from './libvirt-errors.ts';
import { attribute, elementBlock, elements, tagAttribute } from './xml.ts';

type ConsoleHandlers = Pick<AgentHandlers, 'console.open'>;
type OpenHandler = AgentHandlers['console.open'];
type OpenContext = Parameters<OpenHandler>[1];

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
const notFound = (message: string, data?: unknown) => new RpcError(RpcErrorCode.NOT_FOUND, message, data);

/**
 * Finds the UNIX socket of a domain's serial console (the first one, or the one aliased `device`)
 * or VNC display. Throws NOT_FOUND when the device does not exist, CONFLICT when it exists but is
 * not a QEMU-side UNIX socket server (a pty serial, VNC on TCP: domains defined before Paddock
 * switched to sockets must be redefined to get a console).
 */
export function findConsole(domainXml: string, kind: 'serial' | 'vnc', device?: string): ConsoleTarget {
  // Only <devices>: <console> repeats serial0, and nothing outside <devices> is a console.
  const devices = elementBlock(domainXml, 'devices') ?? '';
  if (kind === 'vnc') {
    if (device !== undefined) {
      throw new RpcError(RpcErrorCode.INVALID_PARAMS, 'device selects a serial console; omit it for vnc');
    }
    const vnc = elements(devices, 'graphics').find((g) => tagAttribute(g.open, 'type') === 'vnc');
    if (!vnc) throw notFound('the domain has no VNC display');
    // Inactive XML has socket= on <graphics>; live XML also has <listen type='socket' socket=…>.
    const path = tagAttribute(vnc.open, 'socket') ?? attribute(vnc.body, 'listen', 'socket');
    if (!path) {
      throw conflict('the VNC display listens on TCP, not on a UNIX socket: redefine the domain', {
        listen: tagAttribute(vnc.open, 'listen') ?? attribute(vnc.body, 'listen', 'address'),
      });
    }
    return { kind, path, alias: undefined };
  }
  const serials = elements(devices, 'serial').map((s) => ({
    type: tagAttribute(s.open, 'type'),
    mode: attribute(s.body, 'source', 'mode'),
    path: attribute(s.body, 'source', 'path'),
    alias: attribute(s.body, 'alias', 'name'),
    port: attribute(s.body, 'target', 'port'),
  }));
  const serial =
    device === undefined
      ? (serials.find((s) => s.port === '0') ?? serials[0])
      : serials.find((s) => s.alias === device);
  if (!serial) {
    throw notFound(
      device === undefined ? 'the domain has no serial console' : `the domain has no serial device ${device}`,
      { aliases: serials.map((s) => s.alias).filter(Boolean) },
    );
  }
  const name = serial.alias ?? device ?? 'serial';
  if (serial.type !== 'unix' || !serial.path) {
    throw conflict(
      `${name} is a ${serial.type ?? 'unknown'} device, not a UNIX socket: redefine the domain`,
      {
        type: serial.type,
      },
    );
  }
  if (serial.mode !== undefined && serial.mode !== 'bind') {
    // mode='connect' makes QEMU the client of someone else's socket: nothing for the agent to join.
    throw conflict(`${name} connects out to ${serial.path}; the agent can only attach to a listening socket`);
  }
  return { kind, path: serial.path, alias: serial.alias };
}

/** One attached console: the socket, both copy loops and the first reason to stop. */
class Session {
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

// After our FIN, QEMU closes its end at once; this only bounds a wedged peer.
const CLOSE_TIMEOUT_MS = 2_000;

const RUNNING_STATES = new Set(['running', 'paused', 'blocked', 'pmsuspended']);

/**
 * The `console.open` handler over the agent's libvirt connection; spread it into the handler table
 * like the other `*Handlers(conn)`. Serial sessions are registered per socket path in this closure,
 * so build it once per agent (a second table would not see the first one's sessions).
 */
export function consoleHandlers(conn: () => Connection, options: ConsoleOptions = {}): ConsoleHandlers {
  const opts: Required<ConsoleOptions> = {
    maxChunkBytes: options.maxChunkBytes ?? 64 * 1024,
    highWaterBytes: options.highWaterBytes ?? 1024 * 1024,
    flushTimeoutMs: options.flushTimeoutMs ?? 5_000,
    takeoverTimeoutMs: options.takeoverTimeoutMs ?? 5_000,
  };
  const serialSessions = new Map<string, Session>();

  const locate = async (uuid: string, kind: 'serial' | 'vnc', device?: string): Promise<ConsoleTarget> => {
    try {
      const dom = conn().domain(uuid);
      const { state } = await dom.getInfo();
      if (!RUNNING_STATES.has(state)) throw conflict(`domain ${uuid} is not running (${state})`, { state });
      // Live XML (flags 0): the paths QEMU actually listens on, with device aliases.
      return findConsole(await dom.getXMLDesc(0), kind, device);
    } catch (error) {
      const rpcError = toRpcError(error);
      if (rpcError.code === RpcErrorCode.NOT_FOUND && !(error instanceof RpcError)) {
        throw notFound(`domain ${uuid} not found on this host`, rpcError.data);
      }
      throw rpcError;
    }
  };

  // After the guest side closed: say "domain stopped" when that is why, so the console can tell.
  const refine = async (uuid: string, reason: string): Promise<string> => {
    if (reason !== ConsoleCloseReason.GUEST_CLOSED) return reason;
    try {
      const { state } = await conn().domain(uuid).getInfo();
      return RUNNING_STATES.has(state) ? reason : ConsoleCloseReason.DOMAIN_STOPPED;
    } catch {
      return ConsoleCloseReason.DOMAIN_STOPPED; // undefined meanwhile (a transient domain)
    }
  };

  const open: OpenHandler = async ({ uuid, kind, device }, ctx) => {
    const target = await locate(uuid, kind, device);
    const session = new Session(target, ctx, opts);
    const onAbort = () => session.finish(ConsoleCloseReason.CANCELLED);
    if (ctx.signal.aborted) return { reason: ConsoleCloseReason.CANCELLED };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const previous = kind === 'serial' ? serialSessions.get(target.path) : undefined;
    if (kind === 'serial') serialSessions.set(target.path, session);
    try {
      if (previous) {
        previous.finish(ConsoleCloseReason.TAKEN_OVER);
        await previous.waitClosed(opts.takeoverTimeoutMs);
      }
      if (session.finished) return { reason: await session.ended };
      await session.connect();
      void session.pumpInput();
      const reason = await session.ended;
      await session.waitClosed(CLOSE_TIMEOUT_MS);
      return { reason: await refine(uuid, reason) };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      session.finish(ConsoleCloseReason.CANCELLED); // no-op unless connect threw
      if (serialSessions.get(target.path) === session) serialSessions.delete(target.path);
    }
  };

  return { 'console.open': open };
}
