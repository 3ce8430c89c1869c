import { type Static, Type } from '@sinclair/typebox';
import { Strict } from './common.ts';

/** `POST /api/vms/{id}/console`. */
export const ConsoleRequest = Type.Object(
  { type: Type.Union([Type.Literal('vnc'), Type.Literal('serial')]) },
  Strict,
);

/** A single-use ticket for the console WebSocket; valid for a minute. */
export const ConsoleTicket = Type.Object({
  ticket: Type.String(),
  type: Type.String(),
  url: Type.String({ description: 'WebSocket path to open with the ticket (binary frames both ways)' }),
  expiresAt: Type.String(),
});
export type ConsoleTicket = Static<typeof ConsoleTicket>;
export type ConsoleRequest = Static<typeof ConsoleRequest>;
