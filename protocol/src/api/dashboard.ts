import { type Static, Type } from '@sinclair/typebox';
import { Task } from './tasks.ts';

const Count = Type.Integer({ minimum: 0 });
const Allocation = Type.Object({
  allocated: Type.Number({ description: 'sum over the VMs (managed and unmanaged) on online nodes' }),
  total: Type.Number({ description: "sum of the online nodes' own figures" }),
});

/** Nodes by status, and the online ones the dashboard charts (at most 8, by hostname). */
export const DashboardNodes = Type.Object({
  total: Count,
  online: Count,
  offline: Count,
  maintenance: Count,
  charted: Type.Array(Type.Object({ id: Type.String(), hostname: Type.String() })),
});

/** VMs by status (every status present has a key), and how many are unmanaged. */
export const DashboardVms = Type.Object({
  total: Count,
  unmanaged: Count,
  byStatus: Type.Record(Type.String(), Count),
});

/** What the VMs on online nodes are given against what those nodes have. */
export const DashboardCapacity = Type.Object({
  nodes: Count,
  vcpu: Allocation,
  memoryBytes: Allocation,
  diskBytes: Allocation,
});

/** The newest tasks, the newest failures, and how many are queued or running. */
export const DashboardTasks = Type.Object({
  active: Count,
  failedLastDay: Count,
  recent: Type.Array(Task),
  failures: Type.Array(Task),
});

/**
 * `GET /api/dashboard`: one call for the dashboard. Each section is present only when the caller
 * may read it: `nodes` and `capacity` need nodes:read, `vms` vms:read, `tasks` tasks:read.
 */
export const Dashboard = Type.Object({
  nodes: Type.Optional(DashboardNodes),
  vms: Type.Optional(DashboardVms),
  capacity: Type.Optional(DashboardCapacity),
  tasks: Type.Optional(DashboardTasks),
});
export type Dashboard = Static<typeof Dashboard>;
export type DashboardNodes = Static<typeof DashboardNodes>;
export type DashboardVms = Static<typeof DashboardVms>;
export type DashboardCapacity = Static<typeof DashboardCapacity>;
export type DashboardTasks = Static<typeof DashboardTasks>;
