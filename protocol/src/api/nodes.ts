import { type Static, Type } from '@sinclair/typebox';
import { Strict } from './common.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

/** A hypervisor host as the API shows it. */
export const Node = Type.Object({
  id: Type.String(),
  hostname: Type.String(),
  ip: Nullable(Type.String()),
  status: Type.Union([Type.Literal('online'), Type.Literal('offline'), Type.Literal('maintenance')]),
  maintenance: Type.Boolean(),
  connected: Type.Boolean({ description: 'an agent connection is open to this appliance' }),
  virtType: Nullable(Type.String()),
  labels: Type.Record(Type.String(), Type.String()),
  cpu: Type.Object({ total: Type.Integer(), usedPct: Type.Number() }),
  memory: Type.Object({ totalBytes: Type.Number(), usedBytes: Type.Number() }),
  disk: Type.Object({ totalBytes: Type.Number(), usedBytes: Type.Number() }),
  versions: Type.Record(Type.String(), Type.String()),
  vmCount: Type.Integer({ minimum: 0, description: 'VMs (managed and unmanaged) placed on this node' }),
  poolRoots: Type.Array(Type.String(), {
    description: "directories under which the node's agent lets storage pools live",
  }),
  lastHeartbeat: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Node = Static<typeof Node>;

/** One node with its latest figures and recent status changes. */
export const NodeDetail = Type.Composite([
  Node,
  Type.Object({
    metrics: Type.Record(Type.String(), Type.Unknown()),
    facts: Type.Record(Type.String(), Type.Unknown()),
    statusEvents: Type.Array(
      Type.Object({
        from: Nullable(Type.String()),
        to: Type.String(),
        reason: Nullable(Type.String()),
        at: Type.String(),
      }),
    ),
  }),
]);
export type NodeDetail = Static<typeof NodeDetail>;

const LabelKey = Type.String({ minLength: 1, maxLength: 63, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' });

/** `PATCH /api/nodes/{id}`. */
export const NodePatch = Type.Object(
  {
    maintenance: Type.Optional(Type.Boolean()),
    labels: Type.Optional(Type.Record(LabelKey, Type.String({ maxLength: 256 }), { maxProperties: 64 })),
  },
  { ...Strict, minProperties: 1 },
);
export type NodePatch = Static<typeof NodePatch>;

/** `GET /api/nodes/{id}/metrics?minutes=`: how far back, at most the hour the appliance keeps. */
export const NodeMetricsQuery = Type.Object(
  { minutes: Type.Optional(Type.Number({ minimum: 1, maximum: 60, multipleOf: 1 })) },
  Strict,
);
export type NodeMetricsQuery = Static<typeof NodeMetricsQuery>;

/** One sample of a node's heartbeat figures; `at` is when the appliance received it. */
export const NodeMetricsPoint = Type.Object({
  at: Type.String(),
  cpuPct: Type.Number(),
  memUsedBytes: Type.Number(),
  memTotalBytes: Type.Number(),
  diskUsedBytes: Type.Number(),
  diskTotalBytes: Type.Number(),
  load1: Type.Number(),
  netRxBytes: Type.Number(),
  netTxBytes: Type.Number(),
  vmsRunning: Type.Integer(),
});
export type NodeMetricsPoint = Static<typeof NodeMetricsPoint>;

/**
 * A node's recent figures, oldest first, at most one point per `stepMs` (later heartbeats in the
 * same step replace the earlier one). Kept in the memory of the replica the agent is connected to.
 */
export const NodeMetrics = Type.Object({
  nodeId: Type.String(),
  stepMs: Type.Integer(),
  windowMs: Type.Integer(),
  points: Type.Array(NodeMetricsPoint),
});
export type NodeMetrics = Static<typeof NodeMetrics>;

/** `POST /api/nodes/enrollment-tokens`. */
export const EnrollmentTokensPost = Type.Object(
  {
    ttlSec: Type.Optional(Type.Integer({ minimum: 60, maximum: 7 * 24 * 3600 })),
    nodeId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'Re-enrolls this node (a reinstalled host): its credentials are revoked and the host that ' +
          'enrolls under its hostname takes its identity. Without it, a hostname already enrolled is refused.',
      }),
    ),
  },
  Strict,
);
/** A single-use enrollment token; shown once. */
export const EnrollmentToken = Type.Object({ token: Type.String(), expiresAt: Type.String() });

/** `POST /api/agents/enroll`: what an agent sends once, with its enrollment token. */
export const AgentEnrollRequest = Type.Object(
  {
    token: Type.String({ minLength: 10, maxLength: 200 }),
    hostname: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9][A-Za-z0-9.-]*$' }),
  },
  Strict,
);
export type AgentEnrollRequest = Static<typeof AgentEnrollRequest>;
/** The node identity and the credential the agent uses from then on. */
export const AgentEnrollResult = Type.Object({ nodeId: Type.String(), credential: Type.String() });
export type EnrollmentTokensPost = Static<typeof EnrollmentTokensPost>;
export type EnrollmentToken = Static<typeof EnrollmentToken>;
