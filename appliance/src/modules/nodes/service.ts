import { DEFAULT_POOL_ROOTS } from '@paddock/protocol/api/pool-paths';
import type { EnrollmentToken, Node, NodeDetail, NodeMetrics, NodePatch } from '@paddock/protocol/api/nodes';
import type { HostFacts, NodeHeartbeat } from '@paddock/protocol/rpc/index';
import type { Kysely } from 'kysely';
import type { Static } from '@sinclair/typebox';
import { makeCredential, parseCredential, secretMatches } from '../../agents/agent-credentials.ts';
import type { DB, NodeRow } from '../../db/database.ts';
import type { ListParams, ListResult } from '../../db/list-query.ts';
import { AppError, invalidField } from '../../errors.ts';
import type { EventBus } from '../../events/event-bus.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Actor } from '../audit/actor.ts';
import { type AuditTarget, auditedChange, writeAudit } from '../audit/service.ts';
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

/** Nodes: enrollment, credentials, registration, heartbeats, liveness, and the operator's API. */
export class NodesService {
  /** Recent heartbeat figures per node, for `GET /api/nodes/{id}/metrics`. */
  readonly figures = new NodeMetricsWindow();
  /** Throttles the live events that carry new heartbeat figures. */
  readonly figureEvents = new FigureAnnouncer((ids) => this.announceMany(ids));
  private readonly bus: EventBus | undefined;
  private readonly connections: ConnectionView;
  /** Records a refused enrollment; the app bounds how many rows anonymous callers can cause. */
  private readonly auditRefusal: (actor: Actor, target: AuditTarget) => Promise<void>;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly logger: Logger,
    private readonly settings: { agentCredentialTtlSec: number },
    collaborators: {
      connections: ConnectionView;
      bus?: EventBus;
      auditRefusal?: (actor: Actor, target: AuditTarget) => Promise<void>;
    },
  ) {
    this.bus = collaborators.bus;
    this.connections = collaborators.connections;
    this.auditRefusal =
      collaborators.auditRefusal ?? ((actor, target) => writeAudit(this.db, actor, target, 'denied'));
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
    const row = await repo.findNode(this.db, id);
    if (!row) throw new AppError('NODE_NOT_FOUND', `node ${id} does not exist`);
    return {
      nodeId: id,
      stepMs: this.figures.stepMs,
      windowMs: this.figures.windowMs,
      points: this.figures.points(id, minutes),
    };
  }

  async get(id: string): Promise<NodeDetail> {
    const row = await repo.findNode(this.db, id);
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
      const row = await repo.findNode(trx, id);
      if (!row) throw new AppError('NODE_NOT_FOUND', `node ${id} does not exist`);
      if (patch.labels)
        await repo.updateNode(trx, id, { labels: JSON.stringify(patch.labels), updated_at: new Date() });
      if (patch.maintenance !== undefined && patch.maintenance !== row.maintenance) {
        await repo.updateNode(trx, id, { maintenance: patch.maintenance, updated_at: new Date() });
        const to = patch.maintenance
          ? 'maintenance'
          : this.connections.isConnected(id)
            ? 'online'
            : 'offline';
        await repo.setNodeStatus(trx, id, to, patch.maintenance ? 'maintenance on' : 'maintenance off');
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
      const row = await repo.findNode(trx, id);
      if (!row) throw new AppError('NODE_NOT_FOUND', `node ${id} does not exist`);
      const vms = await repo.countVmsOnNode(trx, id, { managedOnly: true });
      if (vms > 0)
        throw new AppError(
          'CONFLICT',
          `node ${row.hostname} still has ${vms} managed VM(s); move or delete them first`,
        );
      const unmanaged = await repo.deleteUnmanagedVms(trx, id);
      await repo.revokeCredentials(trx, id);
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
      const row = await repo.findNode(trx, id);
      if (!row) throw new AppError('NODE_NOT_FOUND', `node ${id} does not exist`);
      const revoked = await repo.revokeCredentials(trx, id);
      await repo.setNodeStatus(trx, id, row.maintenance ? 'maintenance' : 'offline', 'credentials revoked');
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
      const node = nodeId ? await repo.findNode(trx, nodeId) : undefined;
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

  /**
   * Spends an enrollment token: creates the node and returns a fresh credential, shown only this
   * once. A hostname already enrolled is refused (the token stays unspent): whoever holds a token
   * must not take over a live node's identity, its VMs and consoles. Only a token issued for that
   * node re-enrolls it, revoking its old credentials and dropping their link.
   */
  async enroll(
    actor: Actor,
    token: string,
    hostname: string,
  ): Promise<{ nodeId: string; credential: string }> {
    const cred = makeCredential();
    const ttl = this.settings.agentCredentialTtlSec;
    try {
      const { reenrolled, ...enrolled } = await auditedChange(
        this.db,
        { ...actor, action: 'nodes:enroll' },
        async (trx) => {
          const claimed = await repo.claimEnrollmentToken(trx, hashToken(token));
          if (!claimed)
            throw new AppError('UNAUTHENTICATED', 'the enrollment token is unknown, used or expired');
          const existing = await repo.findNodeByHostname(trx, hostname);
          if (claimed.node_id && existing?.id !== claimed.node_id) {
            const target = await repo.findNode(trx, claimed.node_id);
            throw new AppError(
              'CONFLICT',
              `this enrollment token re-enrolls node ${target?.hostname ?? claimed.node_id}, not ${hostname}`,
            );
          }
          if (existing && !claimed.node_id)
            throw new AppError(
              'CONFLICT',
              `a node named ${hostname} is already enrolled; to re-enroll it, use a token issued for that node`,
            );
          const nodeId = existing?.id ?? crypto.randomUUID();
          if (existing) await repo.revokeCredentials(trx, nodeId);
          else await repo.insertNode(trx, { id: nodeId, hostname });
          await repo.markEnrollmentTokenUsed(trx, claimed.id, nodeId);
          await repo.insertCredential(trx, {
            id: cred.id,
            node_id: nodeId,
            secret_hash: cred.secretHash,
            expires_at: ttl > 0 ? new Date(Date.now() + ttl * 1000) : null,
          });
          return {
            result: { nodeId, credential: cred.credential, reenrolled: Boolean(existing) },
            audit: {
              targetType: 'node',
              targetId: nodeId,
              detail: { hostname, reenrolled: Boolean(existing) },
            },
          };
        },
      );
      if (reenrolled) this.connections.disconnect(enrolled.nodeId, 're-enrolled with a new credential');
      return enrolled;
    } catch (error) {
      // Both refusals come before any credential exists: bounded like other anonymous refusals.
      if (error instanceof AppError && (error.code === 'UNAUTHENTICATED' || error.code === 'CONFLICT')) {
        await this.auditRefusal(
          { ...actor, action: 'nodes:enroll' },
          { targetType: 'node', detail: { hostname, reason: error.message } },
        );
        error.audited = true;
      }
      throw error;
    }
  }

  /** The node a presented agent credential belongs to; throws 401 for forged, revoked or expired ones. */
  async authenticateAgent(presented: string): Promise<{ nodeId: string; credentialId: string }> {
    const parsed = parseCredential(presented);
    const row = parsed ? await repo.findCredential(this.db, parsed.id) : undefined;
    if (!parsed || !row || !secretMatches(parsed.secret, row.secret_hash)) {
      throw new AppError('UNAUTHENTICATED', 'unknown agent credential');
    }
    if (row.revoked_at)
      throw new AppError('UNAUTHENTICATED', 'this agent credential was revoked; enroll again');
    if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now()) {
      throw new AppError('UNAUTHENTICATED', 'this agent credential expired; enroll again');
    }
    await repo.touchCredential(this.db, row.id);
    return { nodeId: row.node_id, credentialId: row.id };
  }

  /** `agent.register`: stores the host facts and brings the node online (unless in maintenance). */
  async registered(nodeId: string, facts: HostFacts & { agentVersion: string }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.findNode(trx, nodeId);
      if (!row) throw new AppError('NODE_NOT_FOUND', `node ${nodeId} was deleted`);
      const { hostname: _ignored, ...rest } = facts;
      await repo.updateNode(trx, nodeId, {
        ip: facts.ips[0] ?? null,
        virt_type: facts.virtType,
        cpu_total: facts.cpuCount,
        mem_total: facts.memoryBytes,
        disk_total: facts.diskTotalBytes,
        disk_used: facts.diskUsedBytes,
        meta: JSON.stringify({
          facts: { ...rest, reportedHostname: facts.hostname },
          versions: { agent: facts.agentVersion, libvirt: facts.libvirtVersion, qemu: facts.qemuVersion },
        }),
        last_heartbeat: new Date(),
        updated_at: new Date(),
      });
      if (!row.maintenance) await repo.setNodeStatus(trx, nodeId, 'online', 'agent registered');
    });
    this.logger.info({ nodeId, virtType: facts.virtType }, 'agent registered');
    await this.announce(nodeId);
  }

  /**
   * `node.heartbeat`: latest figures; a heartbeat also revives an offline node. A revival is
   * announced at once, changed figures through the throttle.
   */
  async heartbeat(nodeId: string, reported: NodeHeartbeat): Promise<void> {
    // The schema bounds each figure but lets unknown fields through: only the figures are kept (they
    // are stored and served as they are), and a host cannot use more than it has.
    const hb: NodeHeartbeat = {
      time: reported.time,
      cpuUsedPct: reported.cpuUsedPct,
      memUsedBytes: Math.min(reported.memUsedBytes, reported.memTotalBytes),
      memTotalBytes: reported.memTotalBytes,
      diskUsedBytes: Math.min(reported.diskUsedBytes, reported.diskTotalBytes),
      diskTotalBytes: reported.diskTotalBytes,
      load1: reported.load1,
      netRxBytes: reported.netRxBytes,
      netTxBytes: reported.netTxBytes,
      vmsRunning: reported.vmsRunning,
    };
    const outcome = await this.db.transaction().execute(async (trx) => {
      const row = await repo.findNode(trx, nodeId);
      if (!row) return 'gone' as const;
      await repo.updateNode(trx, nodeId, {
        cpu_used: hb.cpuUsedPct,
        mem_used: hb.memUsedBytes,
        mem_total: hb.memTotalBytes,
        disk_used: hb.diskUsedBytes,
        disk_total: hb.diskTotalBytes,
        metrics: JSON.stringify(hb),
        last_heartbeat: new Date(),
        updated_at: new Date(),
      });
      if (row.status === 'offline' && !row.maintenance) {
        await repo.setNodeStatus(trx, nodeId, 'online', 'heartbeat');
        return 'revived' as const;
      }
      const same =
        row.cpu_used === hb.cpuUsedPct &&
        Number(row.mem_used) === hb.memUsedBytes &&
        Number(row.mem_total) === hb.memTotalBytes &&
        Number(row.disk_used) === hb.diskUsedBytes &&
        Number(row.disk_total) === hb.diskTotalBytes;
      return same ? ('same' as const) : ('changed' as const);
    });
    if (outcome === 'gone') return;
    this.figures.record(nodeId, hb);
    if (outcome === 'revived') await this.announce(nodeId);
    else if (outcome === 'changed') this.figureEvents.changed(nodeId);
  }

  /** The agent's connection closed: the node cannot be reached, say so at once. */
  async disconnected(nodeId: string, reason: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.findNode(trx, nodeId);
      if (row?.status === 'online') await repo.setNodeStatus(trx, nodeId, 'offline', reason);
    });
    await this.announce(nodeId);
  }

  /** Marks online nodes without a recent heartbeat offline; returns their ids. */
  async sweepStale(offlineAfterMs: number): Promise<string[]> {
    const stale = await repo.staleOnlineNodes(this.db, new Date(Date.now() - offlineAfterMs));
    for (const node of stale) {
      await this.db
        .transaction()
        .execute((trx) =>
          repo.setNodeStatus(
            trx,
            node.id,
            'offline',
            `no heartbeat for ${Math.round(offlineAfterMs / 1000)} s`,
          ),
        );
      this.logger.warn({ nodeId: node.id, hostname: node.hostname }, 'node offline: heartbeats stopped');
      await this.announce(node.id);
    }
    return stale.map((n) => n.id);
  }
}
