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
import type { Connection } from '../libvirt/index.ts';
import {
  ConsoleCloseReason,
  type ConsoleOptions,
  ConsoleSession,
  type ConsoleTarget,
} from './console-session.ts';
import { toRpcError } from './libvirt-errors.ts';
import { attribute, elementBlock, elements, tagAttribute } from './xml.ts';

type ConsoleHandlers = Pick<AgentHandlers, 'console.open'>;
type OpenHandler = AgentHandlers['console.open'];

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
  const serialSessions = new Map<string, ConsoleSession>();

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
    const session = new ConsoleSession(target, ctx, opts);
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
