import { type Static, Type } from '@sinclair/typebox';

// No `format: 'uuid'`: TypeCompiler rejects unregistered formats, and a pattern needs no global registry.
/** A libvirt UUID in its canonical textual form. */
export const Uuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});

/** A libvirt object name (domain, pool, volume, snapshot). */
export const ObjectName = Type.String({ minLength: 1, maxLength: 255 });

/**
 * A non-negative byte count (numbers: exact up to 8 PiB, plenty for disks). Capped there: JSON
 * reads `1e300` as an integer, which no bigint column takes.
 */
export const Bytes = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/** Milliseconds since the Unix epoch (at most the last instant a Date can hold). */
export const EpochMs = Type.Integer({ minimum: 0, maximum: 8.64e15 });

/** A domain's power state as libvirt reports it (virDomainState, lower-cased). */
export const DomainState = Type.Union([
  Type.Literal('nostate'),
  Type.Literal('running'),
  Type.Literal('blocked'),
  Type.Literal('paused'),
  Type.Literal('shutdown'),
  Type.Literal('shutoff'),
  Type.Literal('crashed'),
  Type.Literal('pmsuspended'),
]);
/** A domain's power state. */
export type DomainState = Static<typeof DomainState>;

/** Params naming one domain. */
export const DomainRef = Type.Object({ uuid: Uuid });

/** Result of a power operation: the state libvirt reports right after it. */
export const DomainStateResult = Type.Object({ uuid: Uuid, state: DomainState });

/** An empty object: the result of operations that only succeed or fail. */
export const Empty = Type.Object({});

/** Raw bytes chunk of a stream: travels in binary frames. */
export const ByteChunk = Type.Uint8Array();
