import { type Static, Type } from '@sinclair/typebox';
import { Strict } from './common.ts';

/** A network VMs attach to. For now: an existing Linux bridge present on the nodes. */
export const Network = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  bridge: Type.Union([Type.String(), Type.Null()]),
  cidr: Type.Union([Type.String(), Type.Null()]),
  gateway: Type.Union([Type.String(), Type.Null()]),
  mtu: Type.Integer(),
  vlanId: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
});
export type Network = Static<typeof Network>;

/** `POST /api/networks`. */
export const NetworksPost = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    type: Type.Literal('bridge'),
    bridge: Type.String({
      minLength: 1,
      maxLength: 15,
      pattern: '^[A-Za-z0-9_.-]+$',
      description: 'Linux bridge on each node',
    }),
    cidr: Type.Optional(Type.String({ maxLength: 43 })),
    gateway: Type.Optional(Type.String({ maxLength: 39 })),
    mtu: Type.Optional(Type.Integer({ minimum: 576, maximum: 9216 })),
  },
  Strict,
);
export type NetworksPost = Static<typeof NetworksPost>;
