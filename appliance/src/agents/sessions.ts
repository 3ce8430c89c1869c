import type { HostFacts, NodeHeartbeat } from '@paddock/protocol/rpc/index';
import type { Kysely } from 'kysely';
import type { DB } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Actor } from '../modules/audit/actor.ts';
import { type AuditTarget, auditedChange, writeAudit } from '../modules/audit/service.ts';
import { hashToken } from '../modules/auth/tokens.ts';
import type { Logger } from '../observability/logger.ts';
import { makeCredential, parseCredential, secretMatches } from './agent-credentials.ts';
import type { AgentLifecycle } from './hub.ts';
import * as repo from './node-records.ts';

/**
 * What the sessions report to the node administration above them (modules/nodes), which keeps
 * the figures and tells live consoles; an interface so that agents/ imports no module service.
 */
export interface NodeStateReports {
  /** A life cycle step changed the node's status (online, offline): tell consoles now. */
  statusChanged(nodeId: string): Promise<void>;
  /** A heartbeat was stored; `changed`: its figures differ from the previous ones. */
  heartbeatStored(nodeId: string, heartbeat: NodeHeartbeat, changed: boolean): void;
}

/** Closes a node's agent link, wherever it is connected. */
export interface LinkCloser {
  disconnect(nodeId: string, reason: string): void;
}

/** An agent's life cycle: enrollment, credentials, registration, heartbeats, liveness. */
export class AgentSessions implements AgentLifecycle {
  private readonly connections: LinkCloser;
  private readonly reports: NodeStateReports;
  /** Records a refused enrollment; the app bounds how many rows anonymous callers can cause. */
  private readonly auditRefusal: (actor: Actor, target: AuditTarget) => Promise<void>;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly logger: Logger,
    private readonly settings: { agentCredentialTtlSec: number },
    collaborators: {
      connections: LinkCloser;
      reports: NodeStateReports;
      auditRefusal?: (actor: Actor, target: AuditTarget) => Promise<void>;
    },
  ) {
    this.connections = collaborators.connections;
    this.reports = collaborators.reports;
    this.auditRefusal =
      collaborators.auditRefusal ?? ((actor, target) => writeAudit(this.db, actor, target, 'denied'));
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
    await this.reports.statusChanged(nodeId);
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
    this.reports.heartbeatStored(nodeId, hb, outcome === 'changed');
    if (outcome === 'revived') await this.reports.statusChanged(nodeId);
  }

  /** The agent's connection closed: the node cannot be reached, say so at once. */
  async disconnected(nodeId: string, reason: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.findNode(trx, nodeId);
      if (row?.status === 'online') await repo.setNodeStatus(trx, nodeId, 'offline', reason);
    });
    await this.reports.statusChanged(nodeId);
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
      await this.reports.statusChanged(node.id);
    }
    return stale.map((n) => n.id);
  }
}
