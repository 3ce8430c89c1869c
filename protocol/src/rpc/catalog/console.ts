import { Type } from '@sinclair/typebox';
import { stream } from '../method.ts';
import { ByteChunk, Uuid } from './common.ts';

/** Interactive consoles (appliance → agent), bytes both ways. */
export const consoleMethods = {
  'console.open': stream({
    from: 'appliance',
    params: Type.Object({
      uuid: Uuid,
      kind: Type.Union([Type.Literal('serial'), Type.Literal('vnc')]),
      device: Type.Optional(Type.String({ description: 'serial alias, e.g. serial0' })),
    }),
    result: Type.Object({ reason: Type.String({ description: 'why the console closed' }) }),
    toHandler: ByteChunk,
    toCaller: ByteChunk,
    summary:
      'Attaches to a serial console or VNC socket: keystrokes/RFB in, output out, until either side ends.',
  }),
};
