/**
 * `console.open` (agent/src/handlers/console.handlers.ts): the socket lookup in domain XML, then the
 * real thing on qemu:///system — the test guest ISO booted under TCG with the appliance's console
 * layout (serial and VNC on UNIX sockets), driven through a real pair of RpcPeers over a Bun
 * WebSocket exactly as the appliance will: boot marker and ticks out, a typed command's answer back,
 * a takeover, the RFB banner, the domain stopping under an open console, and the errors.
 * Fails when libvirtd is unreachable, unless PADDOCK_SKIP_QEMU=1, which skips the real part and says why.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, rmSync } from 'node:fs';
import type { PaddockCatalog, RpcError, rpc } from '@paddock/protocol';
import { openLink as openLoopbackLink } from '../../protocol/test/support/link.ts';
import { consoleHandlers, findConsole } from '../src/handlers/console.handlers.ts';
import { ConsoleCloseReason } from '../src/handlers/console-session.ts';
import { Connection, Libvirt } from '../src/libvirt/index.ts';
import { BOOT_TIMEOUT_MS, TEST_GUEST_BUILD, TEST_GUEST_ISO, testGuestXML } from './fixtures/test-guest.ts';

const URI = 'qemu:///system';
/** `paddock-test-console-<pid>-…`: a later run sweeps what a killed run left behind. */
const PREFIX = 'paddock-test-console-';

const serialSock = (uuid: string) => `/var/lib/libvirt/qemu/paddock-${uuid}-serial.sock`;
const serialLog = (uuid: string) => `/var/log/libvirt/qemu/paddock-${uuid}-serial.log`;

// --- socket lookup (no hypervisor) ----------------------------------------------------------------

// What libvirt 9 returns for a running domain defined with the appliance's layout.
const LIVE_XML = `<domain type='qemu' id='7'>
  <name>vm</name>
  <description>&lt;serial type='unix'&gt; in text is not a device</description>
  <devices>
    <serial type='unix'>
      <source mode='bind' path='/var/lib/libvirt/qemu/paddock-u-serial.sock'/>
      <log file='/var/log/libvirt/qemu/paddock-u-serial.log' append='on'/>
      <target type='isa-serial' port='0'><model name='isa-serial'/></target>
      <alias name='serial0'/>
    </serial>
    <serial type='unix'>
      <source mode='bind' path='/run/x&amp;y.sock'/>
      <target type='isa-serial' port='1'><model name='isa-serial'/></target>
      <alias name='serial1'/>
    </serial>
    <console type='unix'>
      <source mode='bind' path='/var/lib/libvirt/qemu/paddock-u-serial.sock'/>
      <target type='serial' port='0'/>
      <alias name='serial0'/>
    </console>
    <graphics type='vnc' socket='/var/lib/libvirt/qemu/paddock-u-vnc.sock'>
      <listen type='socket' socket='/var/lib/libvirt/qemu/paddock-u-vnc.sock'/>
    </graphics>
  </devices>
</domain>`;

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as RpcError).code;
  }
  return undefined;
};

describe('findConsole', () => {
  test('serial port 0 by default, another by alias; vnc from the socket attribute', () => {
    expect(findConsole(LIVE_XML, 'serial')).toEqual({
      kind: 'serial',
      path: '/var/lib/libvirt/qemu/paddock-u-serial.sock',
      alias: 'serial0',
    });
    expect(findConsole(LIVE_XML, 'serial', 'serial1').path).toBe('/run/x&y.sock');
    expect(findConsole(LIVE_XML, 'vnc').path).toBe('/var/lib/libvirt/qemu/paddock-u-vnc.sock');
    // Inactive XML: self-closing graphics.
    const inactive = `<domain><devices><graphics type='vnc' socket='/s.sock'/></devices></domain>`;
    expect(findConsole(inactive, 'vnc').path).toBe('/s.sock');
  });

  test('missing devices are NOT_FOUND, devices not on a listening socket are CONFLICT', () => {
    expect(codeOf(() => findConsole(LIVE_XML, 'serial', 'serial9'))).toBe('NOT_FOUND');
    expect(codeOf(() => findConsole('<domain><devices></devices></domain>', 'serial'))).toBe('NOT_FOUND');
    expect(codeOf(() => findConsole('<domain><devices></devices></domain>', 'vnc'))).toBe('NOT_FOUND');
    const pty = `<domain><devices><serial type='pty'><source path='/dev/pts/3'/><target port='0'/><alias name='serial0'/></serial>
      <graphics type='vnc' port='5900' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics></devices></domain>`;
    expect(codeOf(() => findConsole(pty, 'serial'))).toBe('CONFLICT');
    expect(codeOf(() => findConsole(pty, 'vnc'))).toBe('CONFLICT');
    const client = `<domain><devices><serial type='unix'><source mode='connect' path='/x.sock'/><target port='0'/></serial></devices></domain>`;
    expect(codeOf(() => findConsole(client, 'serial'))).toBe('CONFLICT');
    expect(codeOf(() => findConsole(LIVE_XML, 'vnc', 'serial0'))).toBe('INVALID_PARAMS');
  });
});

// --- byte pumping against a stand-in QEMU socket (no hypervisor) ----------------------------------

/** A fake Connection whose one running domain has its serial console on `path`. */
function fakeConnection(path: string, state = 'running'): Connection {
  const xml = `<domain><devices><serial type='unix'><source mode='bind' path='${path}'/><target port='0'/><alias name='serial0'/></serial></devices></domain>`;
  const domain = () => ({ getInfo: async () => ({ state }), getXMLDesc: async () => xml });
  return { domain } as unknown as Connection;
}

const pattern = (size: number, seed: number) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed + (i >> 10)) & 0xff;
  return bytes;
};

describe('byte pumping (stand-in UNIX socket server)', () => {
  const UUID = '6f1c2a9e-4b1d-4c1e-9a51-0d2b7e3f8a10';
  const path = `/tmp/paddock-console-test-${process.pid}.sock`;

  test('guest output is paced by the appliance: a stalled reader stops the guest side; nothing lost', async () => {
    rmSync(path, { force: true });
    const total = 16 * 1024 * 1024;
    const data = pattern(total, 7);
    let pushed = 0;
    // The "guest": writes as fast as the socket takes it, waiting for drain when it does not.
    let drained: (() => void) | undefined;
    const server = Bun.listen({
      unix: path,
      socket: {
        async open(socket) {
          while (pushed < total) {
            const n = socket.write(data, pushed, Math.min(256 * 1024, total - pushed));
            if (n < 0) return;
            pushed += n;
            if (pushed < total) await new Promise<void>((r) => (drained = r));
          }
          socket.end();
        },
        drain() {
          drained?.();
        },
        data() {},
      },
    });
    const link = await openLink(
      consoleHandlers(() => fakeConnection(path), { highWaterBytes: 128 * 1024 }),
      4,
    );
    try {
      const call = link.appliance.openStream('console.open', { uuid: UUID, kind: 'serial' });
      const iterator = call.incoming[Symbol.asyncIterator]();
      const first = await iterator.next();
      // Stalled: the appliance takes nothing more for a while, so only buffers can fill.
      await Bun.sleep(600);
      const whileStalled = pushed;
      expect(whileStalled).toBeLessThan(6 * 1024 * 1024);
      const parts = [first.value as Uint8Array];
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) parts.push(next.value);
      const back = Buffer.concat(parts);
      expect(back.length).toBe(total);
      expect(Bun.hash(back)).toBe(Bun.hash(data));
      expect(parts.every((p) => p.byteLength <= 64 * 1024)).toBe(true);
      expect(await call.result).toEqual({ reason: ConsoleCloseReason.GUEST_CLOSED });
      console.log(
        `[agent-console] stalled reader: guest pushed ${(whileStalled / 1048576).toFixed(2)} of 16 MiB; ${parts.length} chunks`,
      );
    } finally {
      await link.stop();
      server.stop(true);
      rmSync(path, { force: true });
    }
  }, 30_000);

  test('appliance input reaches a slow guest intact (partial writes wait for drain)', async () => {
    rmSync(path, { force: true });
    const total = 8 * 1024 * 1024;
    const data = pattern(total, 3);
    const received: Uint8Array[] = [];
    let receivedBytes = 0;
    const { promise: guestEnded, resolve: endGuest } = Promise.withResolvers<void>();
    const server = Bun.listen({
      unix: path,
      socket: {
        open(socket) {
          // A guest that does not read at first: the agent's writes must go partial and wait.
          socket.pause();
          setTimeout(() => socket.resume(), 500);
        },
        data(_socket, bytes) {
          received.push(new Uint8Array(bytes));
          receivedBytes += bytes.byteLength;
        },
        end() {
          endGuest();
        },
        close() {
          endGuest();
        },
      },
    });
    const link = await openLink(consoleHandlers(() => fakeConnection(path)));
    try {
      const call = link.appliance.openStream('console.open', { uuid: UUID, kind: 'serial' });
      const chunks = Array.from({ length: total / 65536 }, (_, i) =>
        data.subarray(i * 65536, (i + 1) * 65536),
      );
      await call.outgoing.from(chunks);
      expect(await call.result).toEqual({ reason: ConsoleCloseReason.CLIENT_CLOSED });
      await guestEnded;
      expect(receivedBytes).toBe(total);
      expect(Bun.hash(Buffer.concat(received))).toBe(Bun.hash(data));
    } finally {
      await link.stop();
      server.stop(true);
      rmSync(path, { force: true });
    }
  }, 30_000);

  test('no socket to attach to is CONFLICT; a cancelled call releases the socket', async () => {
    rmSync(path, { force: true });
    const link = await openLink(consoleHandlers(() => fakeConnection(path)));
    let closedByAgent = 0;
    let server: ReturnType<typeof Bun.listen> | undefined;
    try {
      const missing = await rejection(
        link.appliance.openStream('console.open', { uuid: UUID, kind: 'serial' }).result,
      );
      expect(missing.code).toBe('CONFLICT');
      expect(missing.message).toContain('cannot attach to the serial console');

      server = Bun.listen({
        unix: path,
        socket: {
          open(socket) {
            socket.write('hello\r\n');
          },
          data() {},
          close() {
            closedByAgent++;
          },
        },
      });
      const call = link.appliance.openStream('console.open', { uuid: UUID, kind: 'serial' });
      const con = screen(call);
      await con.waitFor('greeting', 5_000, (t) => t.includes('hello'));
      call.cancel();
      const deadline = Date.now() + 3_000;
      while (closedByAgent === 0 && Date.now() < deadline) await Bun.sleep(20);
      expect(closedByAgent).toBe(1);
    } finally {
      await link.stop();
      server?.stop(true);
      rmSync(path, { force: true });
    }
  }, 30_000);
});

// --- the real hypervisor --------------------------------------------------------------------------

let reachable = true;
let unreachable = '';
try {
  await (await Libvirt.open(URI, { workers: 1 })).close();
} catch (error) {
  reachable = false;
  unreachable = `${URI} unreachable (${(error as Error).message})`;
  if (process.env.PADDOCK_SKIP_QEMU === '1') {
    console.warn(`[agent-console] qemu tests SKIPPED: ${unreachable} and PADDOCK_SKIP_QEMU=1`);
  }
}
const skipQemu = !reachable && process.env.PADDOCK_SKIP_QEMU === '1';

function domainXml(name: string, uuid: string): string {
  // The appliance's console layout (appliance/src/libvirt-xml/domain-xml.ts). VNC: libvirt 9 DROPS
  // a socket path under /var/lib/libvirt/qemu/ from an inactive definition (it takes it for one it
  // generated) and falls back to TCP 127.0.0.1:5900+; `<listen type='socket'/>` without a path
  // makes libvirt generate /var/lib/libvirt/qemu/domain-<id>-<name>/vnc.sock at each start.
  return testGuestXML(
    name,
    `<serial type='unix'>
      <source mode='bind' path='${serialSock(uuid)}'/>
      <log file='${serialLog(uuid)}' append='on'/>
      <target port='0'/>
    </serial>
    <console type='unix'>
      <source mode='bind' path='${serialSock(uuid)}'/>
      <target type='serial' port='0'/>
    </console>
    <graphics type='vnc'><listen type='socket'/></graphics>
    <video><model type='vga'/></video>`,
    uuid,
  );
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function removeDomain(conn: Connection, uuid: string): Promise<void> {
  const dom = conn.domain(uuid);
  await dom.destroy().catch(() => {}); // not running
  await dom.undefine().catch(() => {}); // not defined
  rmSync(serialLog(uuid), { force: true });
}

/** A real appliance↔agent link (protocol's loopback hub), the agent answering console.open. */
async function openLink(handler: ReturnType<typeof consoleHandlers>, applianceWindow?: number) {
  const link = await openLoopbackLink({ appliance: { streamWindow: applianceWindow } });
  link.agent.handleAll(handler);
  return link;
}

type Console = rpc.StreamCall<PaddockCatalog, 'console.open'>;

/** Collects a console's output as text in the background; `waitFor` polls it. */
function screen(call: Console) {
  const state = { text: '', done: false, error: undefined as unknown };
  const decoder = new TextDecoder('latin1');
  const reading = (async () => {
    try {
      for await (const bytes of call.incoming) state.text += decoder.decode(bytes, { stream: true });
    } catch (error) {
      state.error = error;
    } finally {
      state.done = true;
    }
  })();
  return {
    state,
    reading,
    get text() {
      return state.text;
    },
    type(text: string) {
      return call.outgoing.write(new TextEncoder().encode(text));
    },
    async waitFor(what: string, timeoutMs: number, check: (text: string) => boolean): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!check(state.text)) {
        if (state.done)
          throw new Error(`${what}: console ended (${String(state.error)})\n${tail(state.text)}`);
        if (Date.now() > deadline)
          throw new Error(`${what}: not within ${timeoutMs} ms\n${tail(state.text)}`);
        await Bun.sleep(50);
      }
    },
  };
}

const tail = (text: string) => text.split('\n').slice(-15).join('\n');

async function firstBytes(call: Console, n: number, timeoutMs: number): Promise<Uint8Array> {
  const got: number[] = [];
  const iterator = call.incoming[Symbol.asyncIterator]();
  const deadline = Bun.sleep(timeoutMs).then(() => 'timeout' as const);
  while (got.length < n) {
    const next = await Promise.race([iterator.next(), deadline]);
    if (next === 'timeout') throw new Error(`only ${got.length} of ${n} bytes within ${timeoutMs} ms`);
    if (next.done) throw new Error(`stream ended after ${got.length} bytes`);
    got.push(...next.value);
  }
  return new Uint8Array(got.slice(0, n));
}

async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (error) {
    return error as RpcError;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(skipQemu)(`console.open on ${URI} (TCG guest)`, () => {
  const name = `${PREFIX}${process.pid}-${Date.now().toString(36)}`;
  const uuid = crypto.randomUUID();
  let conn: Connection;
  let link: Awaited<ReturnType<typeof openLink>>;
  let started = false;

  beforeAll(async () => {
    if (!reachable) {
      throw new Error(
        `${unreachable}. Run scripts/deps-libvirt.sh, or set PADDOCK_SKIP_QEMU=1 to skip the real-hypervisor tests.`,
      );
    }
    conn = await Connection.open(URI, { workers: 2 });
    for (const d of await conn.listAllDomains(0)) {
      const m = /^paddock-test-console-(\d+)-/.exec(d.name);
      if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) await removeDomain(conn, d.uuid);
    }
    if (!existsSync(TEST_GUEST_ISO)) {
      const build = Bun.spawnSync(['bash', TEST_GUEST_BUILD], { stderr: 'pipe' });
      if (build.exitCode !== 0) throw new Error(`build-test-iso.sh failed: ${build.stderr.toString()}`);
    }
    link = await openLink(consoleHandlers(() => conn, { takeoverTimeoutMs: 3_000 }));
  }, 300_000);

  afterAll(async () => {
    if (!reachable) return;
    await link?.stop();
    await removeDomain(conn, uuid);
    await conn.close();
  }, 60_000);

  test('an unknown domain is NOT_FOUND; a defined but stopped one is CONFLICT', async () => {
    const unknown = link.appliance.openStream('console.open', { uuid: crypto.randomUUID(), kind: 'serial' });
    const missing = await rejection(unknown.result);
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('not found');

    await conn.defineDomainXML(domainXml(name, uuid));
    const stopped = link.appliance.openStream('console.open', { uuid, kind: 'serial' });
    const error = await rejection(stopped.result);
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('not running (shutoff)');
  }, 30_000);

  test(
    'serial: boot output arrives, a typed command is answered',
    async () => {
      await conn.domain(uuid).create();
      started = true;
      const t0 = performance.now();
      const call = link.appliance.openStream('console.open', { uuid, kind: 'serial' });
      const con = screen(call);
      // Attached right after start, so the boot marker itself comes through (unless the guest was faster).
      await con.waitFor('boot marker or tick', BOOT_TIMEOUT_MS, (t) =>
        /PADDOCK-(GUEST-BOOTED|TICK \d+)/.test(t),
      );
      console.log(
        `[agent-console] first marker ${((performance.now() - t0) / 1000).toFixed(1)} s after start` +
          ` (${con.text.includes('PADDOCK-GUEST-BOOTED') ? 'boot marker' : 'tick'} seen)`,
      );
      // The shell may still be starting: retype until answered. The echoed command line shows
      // `$((40+2))`, so only the shell's output contains paddock-42.
      const deadline = Date.now() + 30_000;
      while (!con.text.includes('paddock-42')) {
        if (Date.now() > deadline) throw new Error(`no answer from the guest shell\n${tail(con.text)}`);
        await con.type('echo paddock-$((40+2))\n');
        await con.waitFor('answer', 3_000, (t) => t.includes('paddock-42')).catch(() => {});
      }
      call.outgoing.end();
      expect(await call.result).toEqual({ reason: ConsoleCloseReason.CLIENT_CLOSED });
    },
    BOOT_TIMEOUT_MS + 60_000,
  );

  test('serial: a second open takes the console over; the first ends with a reason', async () => {
    expect(started, 'the guest did not start').toBe(true);
    const first = link.appliance.openStream('console.open', { uuid, kind: 'serial' });
    const one = screen(first);
    await one.waitFor('tick on the first session', 10_000, (t) => /PADDOCK-TICK \d+/.test(t));

    const second = link.appliance.openStream('console.open', { uuid, kind: 'serial' });
    const two = screen(second);
    expect(await first.result).toEqual({ reason: ConsoleCloseReason.TAKEN_OVER });
    await two.waitFor('tick on the second session', 10_000, (t) => /PADDOCK-TICK \d+/.test(t));

    // Cancelling frees the socket at once: a third open needs no takeover wait.
    second.cancel();
    await Bun.sleep(100);
    const t0 = performance.now();
    const third = link.appliance.openStream('console.open', { uuid, kind: 'serial' });
    const three = screen(third);
    await three.waitFor('tick on the third session', 10_000, (t) => /PADDOCK-TICK \d+/.test(t));
    expect(performance.now() - t0).toBeLessThan(2_500); // ticks are 1 s apart; a takeover wait is 3 s
    third.outgoing.end();
    expect(await third.result).toEqual({ reason: ConsoleCloseReason.CLIENT_CLOSED });
  }, 60_000);

  test('vnc: the RFB banner, to two clients at once', async () => {
    expect(started, 'the guest did not start').toBe(true);
    const a = link.appliance.openStream('console.open', { uuid, kind: 'vnc' });
    const b = link.appliance.openStream('console.open', { uuid, kind: 'vnc' });
    const [bannerA, bannerB] = await Promise.all([firstBytes(a, 12, 10_000), firstBytes(b, 12, 10_000)]);
    expect(new TextDecoder().decode(bannerA)).toMatch(/^RFB 003\.00\d\n$/);
    expect(new TextDecoder().decode(bannerB)).toMatch(/^RFB 003\.00\d\n$/);
    a.outgoing.end();
    b.outgoing.end();
    expect(await a.result).toEqual({ reason: ConsoleCloseReason.CLIENT_CLOSED });
    expect(await b.result).toEqual({ reason: ConsoleCloseReason.CLIENT_CLOSED });
  }, 30_000);

  test('the domain stopping ends an open console with "domain stopped"', async () => {
    expect(started, 'the guest did not start').toBe(true);
    const call = link.appliance.openStream('console.open', { uuid, kind: 'serial' });
    const con = screen(call);
    await con.waitFor('tick', 10_000, (t) => /PADDOCK-TICK \d+/.test(t));
    await conn.domain(uuid).destroy();
    expect(await call.result).toEqual({ reason: ConsoleCloseReason.DOMAIN_STOPPED });
    await con.reading;
    expect(con.state.error).toBeUndefined(); // the stream ended cleanly before the result
  }, 30_000);
});
