import { DEFAULT_POOL_ROOTS } from '@paddock/protocol/api/pool-paths';
import type { EnrollmentToken, Node, NodeDetail, NodeMetrics, NodePatch } from '@paddock/protocol/api/nodes';
import type { NodeHeartbeat } from '@paddock/protocol/rpc/index';
import type { Kysely } from 'kysely';
import type { Static } from '@sinclair/typebox';
import * as records from '../../agents/node-records.ts';
import type { NodeStateReports } from '../../agents/sessions.ts';
import type { DB, NodeRow } from '../../db/database.ts';
import type { ListParams, ListResult } from '../../db/list-query.ts';
import { AppError, invalidField } from '../../errors.ts';
import type { EventBus } from '../../events/event-bus.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import { hashToken, randomToken } from '../auth/tokens.ts';
import { FigureAnnouncer } from './figure-announcer.ts';
import { NodeMetricsWindow } from './metrics-window.ts';
import * as repo from './repository.ts';

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The API view of a node row; `connected` comes from the hub, not the database. */
export function toNode(row: NodeRow, connected: boolean, vmCount: number): Node {
  const meta = (row.meta ?? {}) as { versions?: Record<string, string>; facts?: { poolRoots?: unknown } };
  const roots = meta.facts?.poolRoots;
  return {
    id: row.id,
    hostname: row.hostname,
    ip: row.ip,
    status: row.status as Node['status'],
    maintenance: row.maintenance,
    connected,
    virtType: row.virt_type,
    labels: (row.labels ?? {}) as Record<string, string>,
    cpu: { total: row.cpu_total, usedPct: row.cpu_used },
    memory: { totalBytes: Number(row.mem_total), usedBytes: Number(row.mem_used) },
    disk: { totalBytes: Number(row.disk_total), usedBytes: Number(row.disk_used) },
    versions: meta.versions ?? {},
    vmCount,
    // An agent from before --pool-root reports none: it allowed anything, the defaults are the safe guess.
    poolRoots: Array.isArray(roots) ? (roots as string[]) : [...DEFAULT_POOL_ROOTS],
    lastHeartbeat: iso(row.last_heartbeat),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** What the node service needs to know about live agent connections. */
export interface ConnectionView {
  isConnected(nodeId: string): boolean;
  disconnect(nodeId: string, reason: string): void;
}

/**
 * Node administration: list, details, labels, maintenance, removal, revocation, enrollment tokens.
 * The agent's own life cycle (enrollment, registration, heartbeats) is agents/sessions.ts, which
 * reports here through NodeStateReports.
 */
export class NodesService implements NodeStateReports {
  /** Recent heartbeat figures per node, for `GET /api/nodes/{id}/metrics`. */
  readonly figures = new NodeMetricsWindow();
  /** Throttles the live events that carry new heartbeat figures. */
  readonly figureEvents = new FigureAnnouncer((ids) => this.announceMany(ids));
  private readonly bus: EventBus | undefined;
  private readonly connections: ConnectionView;

  constructor(
    private readonly db: Kysely<DB>,
    collaborators: { connections: ConnectionView; bus?: EventBus },
  ) {
    this.bus = collaborators.bus;
    this.connections = collaborators.connections;
  }

  // Tells live consoles about a node's new state (after the change committed).
  private async announce(nodeId: string): Promise<void> {
    this.figureEvents.sent(nodeId);
    await this.announceMany([nodeId]);
  }

  // One query for the rows and one for their VM counts, however many nodes are announced.
  private async announceMany(nodeIds: string[]): Promise<void> {
    if (!this.bus || nodeIds.length === 0) return;
    const rows = await repo.findNodes(this.db, nodeIds);
    const counts = await repo.vmCounts(this.db, nodeIds);
    for (const row of rows)
      this.bus.publish({
        kind: 'node',
        id: row.id,
        permission: 'nodes:read',
        data: toNode(row, this.connections.isConnected(row.id), counts.get(row.id) ?? 0),
      });
  }

  async list(params: ListParams): Promise<ListResult<Node>> {
    const page = await repo.listNodes(this.db, params);
    const counts = await repo.vmCounts(
      this.db,
      page.items.map((r) => r.id),
    );
    return {
      ...page,
      items: page.items.map((r) => toNode(r, this.connections.isConnected(r.id), counts.get(r.id) ?? 0)),
    };
  }

  /** The node's recent heartbeat figures, oldest first (404 for an unknown node). */
  async metrics(id: string, minutes?: number): Promise<NodeMetrics> {
    const row = await records.findNode(this.db, id);
    if (!row) throw new AppError('NODE_NOT_FOUND', `node ${id} does not exist`);
    return {
      nodeId: id,
      stepMs: this.figures.stepMs,
      windowMs: this.figures.windowMs,
      points: this.figures.points(id, minutes),
    };
  }

  async get(id: string): Promise<NodeDetail> {
    const row = await records.findNode(this.db, id);
    if (!row) throw new AppError('NODE_NOT_FOUND', `node ${id} does not exist`);
    const events = await repo.statusEvents(this.db, id);
    const vmCount = await repo.countVmsOnNode(this.db, id);
    const meta = (row.meta ?? {}) as { facts?: Record<string, unknown> };
    return {
      ...toNode(row, this.connections.isConnected(id), vmCount),
      metrics: (row.metrics ?? {}) as Record<string, unknown>,
      facts: meta.facts ?? {},
      statusEvents: events.map((e) => ({
        from: e.from_status,
        to: e.to_status,
        reason: e.reason,
        at: new Date(e.created_at).toISOString(),
      })),
    };
  }

  async update(actor: Actor, id: string, patch: NodePatch): Promise<NodeDetail> {
    const badKey = Object.keys(patch.labels ?? {}).find((k) => !LABEL_KEY.test(k));
    if (badKey !== undefined)
      throw invalidField(`labels.${badKey}`, 'keys are letters, digits and . _ / - (max 63)');
    await auditedChange(this.db, actor, async (trx) => {
      const row = await records.findNode(trx, id);
      if (!row) throw new AppError('NODE_NOT_FOUND', `node ${id} does not exist`);
      if (patch.labels)
        await records.updateNode(trx, id, { labels: JSON.stringify(patch.labels), updated_at: new Date() });
      if (patch.maintenance !== undefined && patch.maintenance !== row.maintenance) {
        await records.updateNode(trx, id, { maintenance: patch.maintenance, updated_at: new Date() });
        const to = patch.maintenance
          ? 'maintenance'
          : this.connections.isConnected(id)
            ? 'online'
            : 'offline';
        await records.setNodeStatus(trx, id, to, patch.maintenance ? 'maintenance on' : 'maintenance off');
      }
      return {
        result: undefined,
        audit: { targetType: 'node', targetId: id, detail: { hostname: row.hostname, ...patch } },
      };
    });
    await this.announce(id);
    return this.get(id);
  }

  /**
   * Removes a node: revokes its credentials and drops its agent connection. Refused while managed
   * VMs live there; unmanaged ones are only records of domains seen on that host, forgotten with it
   * (otherwise a host that is gone for good could never be removed: deleting a VM needs its agent).
   */
  async delete(actor: Actor, id: string): Promise<void> {
    const forgotten = await auditedChange(this.db, actor, async (trx) => {
      const row = await records.findNode(trx, id);
      if (!row) throw new AppError('NODE_NOT_FOUND', `node ${id} does not exist`);
      const vms = await repo.countVmsOnNode(trx, id, { managedOnly: true });
      if (vms > 0)
        throw new AppError(
          'CONFLICT',
          `node ${row.hostname} still has ${vms} managed VM(s); move or delete them first`,
        );
      const unmanaged = await repo.deleteUnmanagedVms(trx, id);
      await records.revokeCredentials(trx, id);
      await repo.deleteNode(trx, id);
      return {
        result: unmanaged,
        audit: {
          targetType: 'node',
          targetId: id,
          detail: { hostname: row.hostname, forgottenUnmanagedVms: unmanaged.length },
        },
      };
    });
    this.connections.disconnect(id, 'node deleted');
    this.figures.forget(id);
    this.figureEvents.forget(id);
    for (const vmId of forgotten)
      this.bus?.publish({ kind: 'vm', id: vmId, permission: 'vms:read', data: { id: vmId, deleted: true } });
    this.bus?.publish({ kind: 'node', id, permission: 'nodes:read', data: { id, deleted: true } });
  }

  /** Revokes every credential of a node and drops its connection; the node stays, offline. */
  async revoke(actor: Actor, id: string): Promise<NodeDetail> {
    await auditedChange(this.db, actor, async (trx) => {
      const row = await records.findNode(trx, id);
      if (!row) throw new AppError('NODE_NOT_FOUND', `node ${id} does not exist`);
      const revoked = await records.revokeCredentials(trx, id);
      await records.setNodeStatus(
        trx,
        id,
        row.maintenance ? 'maintenance' : 'offline',
        'credentials revoked',
      );
      return {
        result: undefined,
        audit: { targetType: 'node', targetId: id, detail: { hostname: row.hostname, revoked } },
      };
    });
    this.connections.disconnect(id, 'credentials revoked');
    return this.get(id);
  }

  /**
   * Issues a single-use enrollment token; only its hash is kept. With `nodeId`, the token
   * re-enrolls that node (and only it): the one way a new credential takes over an existing node.
   */
  async issueEnrollmentToken(
    actor: Actor,
    ttlSec = 3600,
    nodeId?: string,
  ): Promise<Static<typeof EnrollmentToken>> {
    const token = randomToken('pde');
    const expiresAt = new Date(Date.now() + ttlSec * 1000);
    await auditedChange(this.db, actor, async (trx) => {
      const node = nodeId ? await records.findNode(trx, nodeId) : undefined;
      if (nodeId && !node) throw new AppError('NODE_NOT_FOUND', `node ${nodeId} does not exist`);
      const id = crypto.randomUUID();
      await repo.insertEnrollmentToken(trx, {
        id,
        token_hash: hashToken(token),
        created_by: actor.userId,
        expires_at: expiresAt,
        ...(node && { node_id: node.id }),
      });
      return {
        result: undefined,
        audit: {
          targetType: 'enrollment_token',
          targetId: id,
          detail: { expiresAt: expiresAt.toISOString(), ...(node && { reenrolls: node.hostname }) },
        },
      };
    });
    return { token, expiresAt: expiresAt.toISOString() };
  }

  /** A life cycle step changed the node's status: tell live consoles at once. */
  statusChanged(nodeId: string): Promise<void> {
    return this.announce(nodeId);
  }

  /** Keeps a stored heartbeat's figures; changed ones reach consoles through the throttle. */
  heartbeatStored(nodeId: string, heartbeat: NodeHeartbeat, changed: boolean): void {
    this.figures.record(nodeId, heartbeat);
    if (changed) this.figureEvents.changed(nodeId);
  }
}
