/**
 * One real hypervisor for a Playwright worker: the run's `dist/paddock-agent` enrolled in the
 * appliance under test against qemu:///system, online, plus a name prefix and a pool directory the
 * worker's specs own. Its teardown removes every domain and pool under the prefix.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeDetail } from '@paddock/protocol/api/nodes';
import { type AgentProcess, startAgent } from './agent-process';
import { ApiError, type ApiClient } from './api-client';
import { AGENT_BINARY, REPO, runEnv } from './env';
import { removeOwned, type VirshResult, virsh } from './libvirt';
import { agentStateDir, killLeftoverAgent, recordAgentPid, recordPrefix } from './run-registry';

export interface Hypervisor {
  /** The node's id in the appliance. */
  nodeId: string;
  /** The hostname it enrolled under (one node for the whole run). */
  hostname: string;
  /** Every domain, pool and volume a spec creates is named `${prefix}-…`: teardown removes them. */
  prefix: string;
  /**
   * An empty directory QEMU can reach (0755 up the chain) for the specs' pools and disks. Give each
   * pool a subdirectory (`${poolDir}/<name>`; creating the pool builds it): libvirt refuses two
   * pools on one path.
   */
  poolDir: string;
  /** The bootable test guest (scripts/build-test-iso.sh): prints PADDOCK-GUEST-BOOTED on ttyS0. */
  isoPath: string;
  /** `virsh -c qemu:///system ARGS`; throws with virsh's message unless `{ check: false }`. */
  virsh(args: readonly string[], options?: { check?: boolean }): VirshResult;
  /** Removes now what teardown would (domains and pools under the prefix, poolDir's content). */
  removeOwned(): string[];
  /** The last lines of the agent's log, for failure messages. */
  agentLog(lines?: number): string;
}

/** The worker fixture's value: a hypervisor, or why this machine cannot offer one. */
export type HypervisorSlot =
  | { kind: 'ready'; hypervisor: Hypervisor }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'broken'; error: string };

const ONLINE_TIMEOUT_MS = 90_000;

/** Where the worker's pools live: under libvirt's images directory when we may write there. */
function makePoolDir(prefix: string): string {
  const images = '/var/lib/libvirt/images';
  const base = existsSync(images) ? images : join(REPO, '.tmp');
  const dir = join(base, `${prefix}-pool`);
  mkdirSync(dir, { recursive: true });
  // QEMU runs as libvirt-qemu: it must traverse to its disks and ISOs (libvirt's images dir is 0711).
  chmodSync(dir, 0o755);
  return dir;
}

function storedNodeId(stateDir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(stateDir, 'credential.json'), 'utf8')) as { nodeId?: string })
      .nodeId;
  } catch {
    return undefined;
  }
}

async function nodeOrUndefined(api: ApiClient, id: string): Promise<NodeDetail | undefined> {
  try {
    return await api.get<NodeDetail>(`/api/nodes/${id}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** Waits until the node is online with its agent connected; throws quoting the agent's log. */
export async function waitNodeOnline(
  api: ApiClient,
  nodeId: () => string | undefined,
  agent: AgentProcess,
  timeoutMs = ONLINE_TIMEOUT_MS,
): Promise<NodeDetail> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not enrolled yet';
  for (;;) {
    const id = nodeId();
    const node = id ? await nodeOrUndefined(api, id) : undefined;
    if (node) last = `status ${node.status}, connected ${node.connected}`;
    if (node?.status === 'online' && node.connected) return node;
    const exit = agent.exitStatus();
    if (exit !== undefined || Date.now() > deadline) {
      throw new Error(
        `the e2e agent did not bring its node online (${last}; ` +
          `${exit === undefined ? `waited ${timeoutMs} ms` : `agent exited ${exit}`}). ` +
          `Agent log ${agent.logFile}:\n${agent.logTail()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Enrolls (or, in a later worker of the same run, reconnects) the run's agent and waits for its
 * node. Returns the hypervisor and its teardown; `outputDir` receives the agent's log.
 */
export async function setUpHypervisor(options: {
  api: ApiClient;
  server: string;
  prefix: string;
  outputDir: string;
}): Promise<{ slot: HypervisorSlot; teardown: () => Promise<void> }> {
  const unavailable = runEnv('libvirtUnavailable');
  if (unavailable) return { slot: { kind: 'unavailable', reason: unavailable }, teardown: async () => {} };
  const broken = runEnv('hypervisorError');
  if (broken) return { slot: { kind: 'broken', error: broken }, teardown: async () => {} };

  const { api, prefix } = options;
  const stateDir = agentStateDir();
  const hostname = runEnv('nodeHostname');
  const isoPath = runEnv('iso');
  killLeftoverAgent(runEnv('runDir'), AGENT_BINARY);

  // The run's node persists across workers. If a spec deleted it, enroll anew.
  const known = storedNodeId(stateDir);
  if (known && !(await nodeOrUndefined(api, known))) rmSync(stateDir, { recursive: true, force: true });
  const token = storedNodeId(stateDir)
    ? undefined
    : (await api.post<{ token: string }>('/api/nodes/enrollment-tokens', {})).token;

  const poolDir = makePoolDir(prefix);
  recordPrefix({ prefix, dirs: [poolDir] });
  const started = Date.now();
  const agent = startAgent({
    server: options.server,
    stateDir,
    logFile: join(options.outputDir, `agent-${prefix}.log`),
    hostname,
    ...(token ? { token } : {}),
    // The agent lets pools live only under its roots: the worker's own directory.
    args: ['--pool-root', poolDir],
  });
  recordAgentPid(agent.pid);

  const teardown = async () => {
    const left = removeOwned(prefix);
    const exit = await agent.stop();
    recordAgentPid(undefined);
    rmSync(poolDir, { recursive: true, force: true });
    if (left.length > 0) throw new Error(`teardown of ${prefix} could not remove: ${left.join(', ')}`);
    if (exit !== '0' && exit !== 'SIGTERM') console.warn(`[e2e] agent exited ${exit}; log ${agent.logFile}`);
  };

  try {
    let node = await waitNodeOnline(api, () => storedNodeId(stateDir), agent);
    // The fixture promises a node that takes VMs: undo a maintenance flag an earlier spec left.
    if (node.maintenance) {
      node = await api.patch<NodeDetail>(`/api/nodes/${node.id}`, { maintenance: false });
      node = await waitNodeOnline(api, () => node.id, agent);
    }
    console.log(
      `[e2e] hypervisor ${node.hostname} (${node.virtType}) online in ${Date.now() - started} ms` +
        `${token ? ' (enrolled)' : ' (reconnected)'}; prefix ${prefix}, pools in ${poolDir}`,
    );
    const hypervisor: Hypervisor = {
      nodeId: node.id,
      hostname: node.hostname,
      prefix,
      poolDir,
      isoPath,
      virsh: (args, opts) => virsh(args, opts),
      removeOwned: () => removeOwned(prefix, [poolDir]),
      agentLog: (lines) => agent.logTail(lines),
    };
    return { slot: { kind: 'ready', hypervisor }, teardown };
  } catch (error) {
    await teardown().catch(() => {});
    throw error;
  }
}
