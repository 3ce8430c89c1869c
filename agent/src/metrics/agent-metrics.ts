import { DOMAIN_STATS_TYPES, statsOf } from '../handlers/domain.handlers.ts';
import { HostSampler } from '../host/figures.ts';
import { type Connection, ListDomainsFlags } from '../libvirt/index.ts';
import type { LinkFailure, LinkObserver } from '../link/link-observer.ts';
import type { Logger } from '../log.ts';
import { MetricsRegistry } from './registry.ts';

/** Fixed facts shown as the `paddock_agent_info` series. */
export interface AgentInfoLabels {
  version: string;
  virtType: string;
  libvirtUri: string;
}

/**
 * Every series the agent exports: host figures (read at scrape time from /proc and statfs), per-VM
 * counters (from libvirt's domain stats at scrape time), and the link's state (pushed by the link).
 */
export class AgentMetrics implements LinkObserver {
  /** The registry, for rendering. */
  readonly registry = new MetricsRegistry();
  readonly #r = this.registry;

  readonly #cpu = this.#r.gauge(
    'paddock_host_cpu_usage_ratio',
    'Share of non-idle host CPU time since the previous scrape (0-1).',
  );
  readonly #load1 = this.#r.gauge('paddock_host_load1', 'Host 1-minute load average.');
  readonly #memUsed = this.#r.gauge(
    'paddock_host_memory_used_bytes',
    'Host memory in use (MemTotal - MemAvailable).',
  );
  readonly #memTotal = this.#r.gauge('paddock_host_memory_total_bytes', 'Host physical memory.');
  readonly #diskUsed = this.#r.gauge(
    'paddock_host_disk_used_bytes',
    'Used bytes of the filesystem holding the storage root.',
  );
  readonly #diskTotal = this.#r.gauge(
    'paddock_host_disk_total_bytes',
    'Size of the filesystem holding the storage root.',
  );
  readonly #netRx = this.#r.counter(
    'paddock_host_network_receive_bytes_total',
    'Bytes received per host interface.',
  );
  readonly #netTx = this.#r.counter(
    'paddock_host_network_transmit_bytes_total',
    'Bytes sent per host interface.',
  );

  readonly #vmsRunning = this.#r.gauge('paddock_vms_running', 'Active domains on this host.');
  readonly #vmCpu = this.#r.counter('paddock_vm_cpu_seconds_total', 'CPU time used by a domain.');
  readonly #vmMem = this.#r.gauge('paddock_vm_memory_bytes', 'Memory currently given to a domain (balloon).');
  readonly #vmRd = this.#r.counter('paddock_vm_disk_read_bytes_total', 'Bytes a domain read from its disks.');
  readonly #vmWr = this.#r.counter('paddock_vm_disk_write_bytes_total', 'Bytes a domain wrote to its disks.');
  readonly #vmRx = this.#r.counter('paddock_vm_network_receive_bytes_total', 'Bytes a domain received.');
  readonly #vmTx = this.#r.counter('paddock_vm_network_transmit_bytes_total', 'Bytes a domain sent.');

  readonly #info = this.#r.gauge(
    'paddock_agent_info',
    'Agent version, virt type and libvirt URI (always 1).',
  );
  readonly #libvirtUp = this.#r.gauge(
    'paddock_agent_libvirt_up',
    'Whether the last libvirt read succeeded (1) or failed (0).',
  );
  readonly #connected = this.#r.gauge(
    'paddock_agent_connected',
    'Whether the agent is connected and registered to the appliance.',
  );
  readonly #attempts = this.#r.counter(
    'paddock_agent_connection_attempts_total',
    'Connection attempts to the appliance.',
  );
  readonly #reconnects = this.#r.counter(
    'paddock_agent_reconnects_total',
    'Connection attempts after the first one (retries).',
  );
  readonly #failures = this.#r.counter('paddock_agent_link_failures_total', 'Link failures by reason.');
  readonly #lastFailure = this.#r.gauge(
    'paddock_agent_link_last_failure_timestamp_seconds',
    'When the link last failed, by reason.',
  );
  readonly #lastError = this.#r.gauge(
    'paddock_agent_link_last_error_info',
    'The last link failure: reason and message (always 1; one series, replaced on each failure).',
  );
  readonly #connectedSince = this.#r.gauge(
    'paddock_agent_link_connected_timestamp_seconds',
    'When the current link registered (0 while down).',
  );
  readonly #heartbeats = this.#r.counter('paddock_agent_heartbeats_total', 'Heartbeats sent.');
  readonly #lastHeartbeat = this.#r.gauge(
    'paddock_agent_last_heartbeat_timestamp_seconds',
    'When the last heartbeat was sent.',
  );
  readonly #requests = this.#r.counter(
    'paddock_agent_rpc_requests_total',
    'Requests from the appliance handled, by method and outcome.',
  );
  readonly #requestSeconds = this.#r.counter(
    'paddock_agent_rpc_request_seconds_total',
    'Time spent handling requests, by method.',
  );

  readonly #sampler: HostSampler;
  #conn: Connection | undefined;

  constructor(
    storageRoot: string,
    private readonly logger: Logger,
  ) {
    this.#sampler = new HostSampler(storageRoot).prime();
    this.#connected.set(0);
    this.#connectedSince.set(0);
    this.#libvirtUp.set(0);
    // Present from the start so rate() and absent() work before the first failure or request.
    this.#attempts.set(0);
    this.#reconnects.set(0);
    this.#heartbeats.set(0);
    this.#r.onCollect(() => this.#collectHost());
    this.#r.onCollect(() => this.#collectVms());
  }

  /** Sets the info series once the virt type is known. */
  setInfo(info: AgentInfoLabels): void {
    this.#info.reset();
    this.#info.set(1, { version: info.version, virt_type: info.virtType, libvirt_uri: info.libvirtUri });
  }

  /** Hands over the libvirt connection for per-VM series (undefined while libvirt is unreachable). */
  setConnection(conn: Connection | undefined): void {
    this.#conn = conn;
    this.#libvirtUp.set(conn ? 1 : 0);
  }

  /** Records one handled request. */
  observeRequest(method: string, outcome: string, durationMs: number): void {
    this.#requests.inc({ method, outcome });
    this.#requestSeconds.inc({ method }, durationMs / 1000);
  }

  connecting(attempt: number): void {
    this.#attempts.inc();
    if (attempt > 1) this.#reconnects.inc();
  }

  connected(): void {
    this.#connected.set(1);
    this.#connectedSince.set(Date.now() / 1000);
  }

  failed(reason: LinkFailure, message: string): void {
    this.#lastError.reset();
    // Truncated: a label is for reading on a dashboard, the full text is in the log.
    this.#lastError.set(1, { reason, error: message.slice(0, 200) });
    this.#connected.set(0);
    this.#connectedSince.set(0);
    this.#failures.inc({ reason });
    this.#lastFailure.set(Date.now() / 1000, { reason });
  }

  heartbeatSent(): void {
    this.#heartbeats.inc();
    this.#lastHeartbeat.set(Date.now() / 1000);
  }

  /** The exposition text. */
  render(): Promise<string> {
    return this.registry.render();
  }

  #collectHost(): void {
    const f = this.#sampler.sample();
    this.#cpu.set(f.cpuUsageRatio);
    this.#load1.set(f.load.load1);
    this.#memUsed.set(f.memory.usedBytes);
    this.#memTotal.set(f.memory.totalBytes);
    this.#diskUsed.set(f.disk.usedBytes);
    this.#diskTotal.set(f.disk.totalBytes);
    for (const d of f.net) {
      this.#netRx.set(d.rxBytes, { device: d.name });
      this.#netTx.set(d.txBytes, { device: d.name });
    }
  }

  async #collectVms(): Promise<void> {
    const perVm = [this.#vmCpu, this.#vmMem, this.#vmRd, this.#vmWr, this.#vmRx, this.#vmTx];
    if (!this.#conn) {
      for (const family of perVm) family.reset();
      return;
    }
    try {
      const stats = await this.#conn.getAllDomainStats(DOMAIN_STATS_TYPES, ListDomainsFlags.ACTIVE);
      for (const family of perVm) family.reset();
      for (const s of stats) {
        const labels = { uuid: s.uuid, name: s.name };
        // The figures domain.stats reports, so /metrics and the appliance never disagree.
        const vm = statsOf(s, Date.now());
        this.#vmCpu.set(vm.cpuTimeNs / 1e9, labels);
        this.#vmMem.set(vm.memoryBytes, labels);
        this.#vmRd.set(vm.blockRdBytes, labels);
        this.#vmWr.set(vm.blockWrBytes, labels);
        this.#vmRx.set(vm.netRxBytes, labels);
        this.#vmTx.set(vm.netTxBytes, labels);
      }
      this.#vmsRunning.set(stats.length);
      this.#libvirtUp.set(1);
    } catch (error) {
      this.#libvirtUp.set(0);
      this.logger.warn({ err: String(error) }, 'metrics: reading domain stats failed');
    }
  }
}
