/** The raw layer: symbol resolution that tolerates an older libvirt, state and event names. */
import { describe, expect, test } from 'bun:test';
import { FFIType } from 'bun:ffi';
import {
  domainEventDetailName,
  domainEventName,
  domainStateName,
  ErrorCode,
  LibvirtError,
  storagePoolStateName,
} from '../src/libvirt/index.ts';
import { splitVersion } from '../src/libvirt/native/host.ts';
import { hasSymbol, SYMBOL_NAMES, symbolTable } from '../src/libvirt/symbols.ts';

describe('symbols', () => {
  test('a symbol missing from the library is a NO_SUPPORT LibvirtError when called, not a crash', () => {
    const table = symbolTable('libvirt.so.0', {
      virGetVersion: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      virPaddockNoSuchFunction: { args: [], returns: FFIType.i32 },
    });
    expect(table.has('virGetVersion')).toBe(true);
    expect(table.has('virPaddockNoSuchFunction')).toBe(false);
    const out = new BigUint64Array(1);
    expect(table.get('virGetVersion')(out, null, null)).toBe(0);
    expect(splitVersion(Number(out[0])).major).toBeGreaterThanOrEqual(5);
    let err: unknown;
    try {
      table.get('virPaddockNoSuchFunction')();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).code).toBe(ErrorCode.NO_SUPPORT);
    expect((err as LibvirtError).message).toContain('virPaddockNoSuchFunction');
  });

  test('every symbol the binding declares exists in the installed libvirt', () => {
    // libvirt 9 (Debian 12) has them all; on an older one this lists what would report NO_SUPPORT.
    expect(SYMBOL_NAMES.filter((n) => !hasSymbol(n))).toEqual([]);
    expect(SYMBOL_NAMES.length).toBeGreaterThan(90);
  });
});

describe('names', () => {
  test('domain states', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(domainStateName)).toEqual([
      'nostate',
      'running',
      'blocked',
      'paused',
      'shutdown',
      'shutoff',
      'crashed',
      'pmsuspended',
    ]);
    expect(domainStateName(99)).toBe('nostate');
  });

  test('lifecycle events and details', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(domainEventName)).toEqual([
      'defined',
      'undefined',
      'started',
      'suspended',
      'resumed',
      'stopped',
      'shutdown',
      'pmsuspended',
      'crashed',
    ]);
    expect(domainEventDetailName(5, 1)).toBe('destroyed');
    expect(domainEventDetailName(2, 0)).toBe('booted');
    expect(domainEventDetailName(6, 1)).toBe('guest');
    expect(domainEventDetailName(8, 0)).toBe('panicked');
    expect(domainEventName(42)).toBe('unknown');
  });

  test('pool states and versions', () => {
    expect(storagePoolStateName(2)).toBe('running');
    expect(splitVersion(9_000_000)).toEqual({ major: 9, minor: 0, release: 0, text: '9.0.0' });
    expect(splitVersion(7_002_022).text).toBe('7.2.22');
  });
});
