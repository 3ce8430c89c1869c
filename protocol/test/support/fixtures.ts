import type { PaddockParams } from '../../src/rpc/index.ts';

/** Plausible `agent.register` params. */
export const registerParams: PaddockParams<'agent.register'> = {
  hostname: 'hv1',
  ips: ['10.0.0.11'],
  cpuModel: 'Intel Xeon',
  cpuCount: 2,
  memoryBytes: 8 * 2 ** 30,
  diskTotalBytes: 100 * 2 ** 30,
  diskUsedBytes: 12 * 2 ** 30,
  libvirtVersion: '9.0.0',
  qemuVersion: '7.2.0',
  virtType: 'kvm',
  capabilities: { kvm: true, archs: ['x86_64'] },
  agentVersion: '0.1.0',
};

/** Plausible `node.heartbeat` params. */
export const heartbeatParams: PaddockParams<'node.heartbeat'> = {
  time: 1_700_000_000_000,
  cpuUsedPct: 12.5,
  memUsedBytes: 2 ** 30,
  memTotalBytes: 8 * 2 ** 30,
  diskUsedBytes: 12 * 2 ** 30,
  diskTotalBytes: 100 * 2 ** 30,
  load1: 0.4,
  netRxBytes: 1000,
  netTxBytes: 2000,
  vmsRunning: 1,
};
