import type {
  Dashboard,
  DashboardCapacity,
  DashboardNodes,
  DashboardTasks,
  DashboardVms,
} from '@paddock/protocol/api/dashboard';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/database.ts';
import { can, type Principal } from '../auth/principal.ts';
import { toTask } from '../tasks/service.ts';

const CHARTED_NODES = 8;
const RECENT_TASKS = 8;
const RECENT_FAILURES = 5;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/**
 * `GET /api/dashboard`: aggregates only. Every section is a handful of grouped queries whose cost
 * does not grow with what they count beyond an index scan (25,000 VMs: one pass over the status
 * index and one join for the allocation), and each is left out unless the caller may read it.
 */
export class DashboardService {
  constructor(private readonly db: Kysely<DB>) {}

  async summary(principal: Principal): Promise<Dashboard> {
    const [nodes, vms, capacity, tasks] = await Promise.all([
      can(principal, 'nodes:read') ? this.nodes() : undefined,
      can(principal, 'vms:read') ? this.vms() : undefined,
      can(principal, 'nodes:read') ? this.capacity() : undefined,
      can(principal, 'tasks:read') ? this.tasks() : undefined,
    ]);
    return {
      ...(nodes && { nodes }),
      ...(vms && { vms }),
      ...(capacity && { capacity }),
      ...(tasks && { tasks }),
    };
  }

  async nodes(): Promise<DashboardNodes> {
    const rows = await this.db
      .selectFrom('nodes')
      .select(['status', sql<number>`count(*)`.as('n')])
      .groupBy('status')
      .execute();
    const by = new Map(rows.map((r) => [r.status, Number(r.n)]));
    const charted = await this.db
      .selectFrom('nodes')
      .select(['id', 'hostname'])
      .where('status', '=', 'online')
      .orderBy('hostname')
      .limit(CHARTED_NODES)
      .execute();
    return {
      total: [...by.values()].reduce((a, b) => a + b, 0),
      online: by.get('online') ?? 0,
      offline: by.get('offline') ?? 0,
      maintenance: by.get('maintenance') ?? 0,
      charted,
    };
  }

  async vms(): Promise<DashboardVms> {
    const rows = await this.db
      .selectFrom('vms')
      .select([
        'status',
        sql<number>`count(*)`.as('n'),
        sql<number>`count(*) FILTER (WHERE NOT managed)`.as('unmanaged'),
      ])
      .groupBy('status')
      .execute();
    const byStatus: Record<string, number> = {};
    let total = 0;
    let unmanaged = 0;
    for (const r of rows) {
      byStatus[r.status] = Number(r.n);
      total += Number(r.n);
      unmanaged += Number(r.unmanaged);
    }
    return { total, unmanaged, byStatus };
  }

  /** Allocation = what the VMs (managed or not) on online nodes are given; totals = those nodes' figures. */
  async capacity(): Promise<DashboardCapacity> {
    const hosts = await this.db
      .selectFrom('nodes')
      .select([
        sql<number>`count(*)`.as('nodes'),
        sql<number>`coalesce(sum(cpu_total), 0)`.as('vcpu'),
        sql<number>`coalesce(sum(mem_total), 0)`.as('mem'),
        sql<number>`coalesce(sum(disk_total), 0)`.as('disk'),
      ])
      .where('status', '=', 'online')
      .executeTakeFirstOrThrow();
    const given = await this.db
      .selectFrom('vms')
      .innerJoin('nodes', 'nodes.id', 'vms.node_id')
      .select([
        sql<number>`coalesce(sum(vms.vcpu), 0)`.as('vcpu'),
        sql<number>`coalesce(sum(vms.memory_mb), 0)`.as('mem_mb'),
      ])
      .where('nodes.status', '=', 'online')
      .executeTakeFirstOrThrow();
    const disks = await this.db
      .selectFrom('volumes')
      .innerJoin('vms', 'vms.id', 'volumes.vm_id')
      .innerJoin('nodes', 'nodes.id', 'vms.node_id')
      .select(sql<number>`coalesce(sum(volumes.size_gb), 0)`.as('gb'))
      .where('nodes.status', '=', 'online')
      .executeTakeFirstOrThrow();
    return {
      nodes: Number(hosts.nodes),
      vcpu: { allocated: Number(given.vcpu), total: Number(hosts.vcpu) },
      memoryBytes: { allocated: Number(given.mem_mb) * MIB, total: Number(hosts.mem) },
      diskBytes: { allocated: Math.round(Number(disks.gb) * GIB), total: Number(hosts.disk) },
    };
  }

  async tasks(): Promise<DashboardTasks> {
    const dayAgo = new Date(Date.now() - 24 * 3600 * 1000);
    const [recent, failures, counts] = await Promise.all([
      this.db
        .selectFrom('tasks')
        .selectAll()
        .where('parent_id', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(RECENT_TASKS)
        .execute(),
      this.db
        .selectFrom('tasks')
        .selectAll()
        .where('status', '=', 'failed')
        .orderBy('finished_at', 'desc')
        .orderBy('id', 'desc')
        .limit(RECENT_FAILURES)
        .execute(),
      this.db
        .selectFrom('tasks')
        .select([
          sql<number>`count(*) FILTER (WHERE status IN ('queued', 'running'))`.as('active'),
          sql<number>`count(*) FILTER (WHERE status = 'failed' AND finished_at > ${dayAgo})`.as('failed'),
        ])
        .where((eb) =>
          eb.or([
            eb('status', 'in', ['queued', 'running']),
            eb.and([eb('status', '=', 'failed'), eb('finished_at', '>', dayAgo)]),
          ]),
        )
        .executeTakeFirstOrThrow(),
    ]);
    return {
      active: Number(counts.active),
      failedLastDay: Number(counts.failed),
      recent: recent.map(toTask),
      failures: failures.map(toTask),
    };
  }
}
