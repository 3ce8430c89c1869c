/** The pure parts of the handlers: the one error mapper, event mapping and the XML readers. */
import { describe, expect, test } from 'bun:test';
import { RpcError } from '@paddock/protocol';
import { domainEventParams } from '../src/handlers/domain-events.ts';
import { toRpcError } from '../src/handlers/libvirt-errors.ts';
import { snapshotInfoOf } from '../src/handlers/snapshot.handlers.ts';
import { parseSnapshotXml, poolType, volumeFormat, xmlEscape, xmlUnescape } from '../src/handlers/xml.ts';
import { ErrorCode, ErrorDomain, LibvirtError } from '../src/libvirt/index.ts';

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';

describe('toRpcError', () => {
  test('libvirt codes map to NOT_FOUND, CONFLICT or LIBVIRT_ERROR, keeping code, domain and message', () => {
    const cases: [number, string][] = [
      [ErrorCode.NO_DOMAIN, 'NOT_FOUND'],
      [ErrorCode.NO_STORAGE_POOL, 'NOT_FOUND'],
      [ErrorCode.NO_STORAGE_VOL, 'NOT_FOUND'],
      [ErrorCode.NO_DOMAIN_SNAPSHOT, 'NOT_FOUND'],
      [ErrorCode.DOM_EXIST, 'CONFLICT'],
      [ErrorCode.STORAGE_VOL_EXIST, 'CONFLICT'],
      [ErrorCode.OPERATION_INVALID, 'CONFLICT'],
      [ErrorCode.XML_ERROR, 'LIBVIRT_ERROR'],
      [ErrorCode.NO_SUPPORT, 'LIBVIRT_ERROR'],
    ];
    for (const [code, rpc] of cases) {
      const error = toRpcError(new LibvirtError(code, ErrorDomain.QEMU, `libvirt says ${code}`));
      expect(error.code).toBe(rpc as RpcError['code']);
      expect(error.message).toBe(`libvirt says ${code}`);
      expect(error.data).toEqual({ code, domain: ErrorDomain.QEMU });
    }
  });

  test('RpcErrors pass through; anything else is INTERNAL', () => {
    const own = new RpcError('CONFLICT', 'mine');
    expect(toRpcError(own)).toBe(own);
    expect(toRpcError(new Error('boom'))).toMatchObject({ code: 'INTERNAL', message: 'boom' });
  });
});

describe('domainEventParams', () => {
  const base = { uuid: UUID, name: 'vm1', eventCode: 2, detailCode: 0, at: 1_700_000_000_000 };

  test('lifecycle events carry the state they leave the domain in', () => {
    expect(domainEventParams({ ...base, event: 'started', detail: 'booted' })).toEqual({
      uuid: UUID,
      name: 'vm1',
      event: 'started',
      detail: 'booted',
      time: 1_700_000_000_000,
      state: 'running',
    });
    expect(domainEventParams({ ...base, event: 'stopped', detail: 'destroyed' })?.state).toBe('shutoff');
    expect(domainEventParams({ ...base, event: 'defined', detail: 'added' })?.state).toBeUndefined();
  });

  test('events the catalog has no word for are not forwarded', () => {
    expect(domainEventParams({ ...base, event: 'reboot', detail: 'none' })).toBeUndefined();
    expect(domainEventParams({ ...base, event: 'unknown', detail: 'unknown' })).toBeUndefined();
  });
});

describe('XML readers', () => {
  test('escape round trip', () => {
    const text = `a & b < c > d " e ' f`;
    expect(xmlUnescape(xmlEscape(text))).toBe(text);
    expect(xmlUnescape('&#65;&#x42;')).toBe('AB');
  });

  test('pool type and volume format (the target format, not the backing store one)', () => {
    expect(poolType("<pool type='logical'><name>vg</name></pool>")).toBe('logical');
    const vol = `<volume type='file'><name>a</name><target><path>/p/a</path><format type='qcow2'/></target>
      <backingStore><path>/p/base</path><format type='raw'/></backingStore></volume>`;
    expect(volumeFormat(vol)).toBe('qcow2');
    expect(volumeFormat('<volume><name>x</name><target><path>/x</path></target></volume>')).toBe('raw');
  });

  test('snapshot documents, ignoring the embedded domain', () => {
    const xml = `<domainsnapshot>
  <name>s2</name>
  <description>after &amp; before</description>
  <state>shutoff</state>
  <parent>
    <name>s1</name>
  </parent>
  <creationTime>1795766098</creationTime>
  <memory snapshot='no'/>
  <domain type='kvm'><name>vm1</name><description>the vm</description></domain>
</domainsnapshot>`;
    expect(parseSnapshotXml(xml)).toEqual({
      name: 's2',
      description: 'after & before',
      creationTimeSec: 1795766098,
      state: 'shutoff',
      parent: 's1',
      memory: 'no',
    });
    expect(snapshotInfoOf(xml, true)).toEqual({
      name: 's2',
      description: 'after & before',
      createdAt: 1795766098000,
      state: 'shutoff',
      current: true,
      parent: 's1',
      memory: false,
    });
    const disk = snapshotInfoOf(
      '<domainsnapshot><name>d</name><state>disk-snapshot</state></domainsnapshot>',
      false,
    );
    expect(disk).toMatchObject({ state: 'shutoff', memory: false, createdAt: 0 });
  });
});
