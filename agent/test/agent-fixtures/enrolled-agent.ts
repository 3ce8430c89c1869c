/** An appliance stand-in with an agent process enrolling at it: the setup the link-level suites share. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentProcess } from './agent-process.ts';
import { ApplianceStandIn } from './appliance-stand-in.ts';

/** Flags that make an agent enroll at `hub` with `token` (a fresh one by default), keeping its state in `state`. */
export function enrollFlags(hub: ApplianceStandIn, state: string, token = hub.issueToken()): string[] {
  return ['--server', hub.url, '--token', token, '--state', state];
}

/** A running stand-in and agent, and the temporary directory holding the agent's state. */
export interface EnrolledAgent {
  hub: ApplianceStandIn;
  agent: AgentProcess;
  dir: string;
  /** Stops the agent and the stand-in, and removes the directory. */
  stop(): Promise<void>;
}

/**
 * Starts a stand-in that asks for a heartbeat every `heartbeatIntervalMs` and an agent on `libvirt`
 * enrolling at it, with its state in `<dir>/state`. The exporter is off unless `metricsListen` says
 * where; `args` are further flags.
 */
export function startEnrolledAgent(options: {
  libvirt: string;
  heartbeatIntervalMs: number;
  metricsListen?: string;
  args?: string[];
}): EnrolledAgent {
  const dir = mkdtempSync(join(tmpdir(), 'paddock-agent-test-'));
  const hub = new ApplianceStandIn().start();
  hub.heartbeatIntervalMs = options.heartbeatIntervalMs;
  const agent = new AgentProcess([
    ...enrollFlags(hub, join(dir, 'state')),
    '--libvirt',
    options.libvirt,
    '--metrics-listen',
    options.metricsListen ?? 'off',
    ...(options.args ?? []),
  ]);
  return {
    hub,
    agent,
    dir,
    async stop() {
      await agent.stop();
      await hub.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
