import { type AgentPeer, connectAgentPeer } from '@paddock/protocol';
import type { HostFacts } from '@paddock/protocol/rpc/index';

/** Host facts of a simulated hypervisor. */
export function fakeFacts(hostname: string): HostFacts & { agentVersion: string } {
  return {
    hostname,
    ips: ['192.0.2.10'],
    cpuModel: 'Simulated CPU',
    cpuCount: 8,
    memoryBytes: 16 * 1024 ** 3,
    diskTotalBytes: 500 * 1024 ** 3,
    diskUsedBytes: 100 * 1024 ** 3,
    libvirtVersion: '9.0.0',
    qemuVersion: '7.2.0',
    virtType: 'qemu',
    capabilities: { kvm: false, archs: ['x86_64'] },
    agentVersion: 'sim-1',
  };
}

/** POST /api/agents/enroll with an enrollment token, as an agent's first start does; the raw response. */
export function postEnroll(baseUrl: string, token: string, hostname: string): Promise<Response> {
  return fetch(`${baseUrl}/api/agents/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, hostname }),
  });
}

/**
 * A stand-in for paddock-agent speaking the real protocol over a real WebSocket: used where the
 * test needs to misbehave on purpose (stop heartbeating, never answer). The real agent has its own
 * end-to-end tests.
 */
export async function connectSimAgent(
  baseUrl: string,
  credential: string,
  options: { maxFrameBytes?: number } = {},
): Promise<AgentPeer> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/ws/agent`;
  return connectAgentPeer(url, {
    ...options,
    headers: { authorization: `Bearer ${credential}` },
    connectTimeoutMs: 3000,
  });
}

/** A heartbeat with plausible figures. */
export function fakeHeartbeat(cpuUsedPct = 12.5) {
  return {
    time: Date.now(),
    cpuUsedPct,
    memUsedBytes: 4 * 1024 ** 3,
    memTotalBytes: 16 * 1024 ** 3,
    diskUsedBytes: 100 * 1024 ** 3,
    diskTotalBytes: 500 * 1024 ** 3,
    load1: 0.5,
    netRxBytes: 1000,
    netTxBytes: 2000,
    vmsRunning: 0,
  };
}
