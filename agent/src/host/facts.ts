import { readFileSync } from 'node:fs';
import { cpus, hostname, networkInterfaces } from 'node:os';
import type { PaddockParams } from '@paddock/protocol';
import type { VirtTypeSetting } from '../config.ts';
import type { Connection } from '../libvirt/index.ts';
import { AGENT_VERSION } from '../version.ts';
import { guestArchs, machinesOf, offersDomainType, parseGuestCapabilities } from './capabilities.ts';
import { diskUsage } from './disk.ts';
import { isGuestInterface, parseCpuModel, parseMeminfo } from './proc.ts';
import { chooseVirtType, kvmDeviceUsable, nestedVirt, type VirtTypeChoice } from './virt-type.ts';

/** What `agent.register` and `host.info` carry. */
export type AgentHostFacts = PaddockParams<'agent.register'>;

/**
 * The host's addresses worth showing an operator: every non-internal IPv4 and global IPv6 address,
 * skipping guest-facing taps/vnets and link-local IPv6 (meaningless without an interface).
 */
export function hostAddresses(): string[] {
  const ips: string[] = [];
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (isGuestInterface(name)) continue;
    for (const a of addresses ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv6' && /^fe80:/i.test(a.address)) continue;
      if (!ips.includes(a.address)) ips.push(a.address);
    }
  }
  return ips;
}

/** Reads the host's static facts; the virt type is decided once and kept (it goes into every guest XML). */
export class HostFactsReader {
  #virtChoice: VirtTypeChoice | undefined;

  constructor(
    private readonly conn: () => Connection,
    private readonly options: {
      storageRoot: string;
      virtType: VirtTypeSetting;
      poolRoots?: readonly string[];
    },
  ) {}

  /** The virt type in use and why; decided on the first facts() call. */
  get virtChoice(): VirtTypeChoice | undefined {
    return this.#virtChoice;
  }

  /** Collects the facts now (libvirt calls run in the binding's workers). */
  async facts(): Promise<AgentHostFacts> {
    const [info, capsXml] = await Promise.all([this.conn().hostInfo(), this.conn().getCapabilities()]);
    const guests = parseGuestCapabilities(capsXml);
    const kvmDevice = kvmDeviceUsable();
    const libvirtKvm = offersDomainType(guests, 'kvm');
    this.#virtChoice ??= chooseVirtType(this.options.virtType, kvmDevice, libvirtKvm);
    const archs = guestArchs(guests);
    const hostArch = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
    const disk = diskUsage(this.options.storageRoot);
    let memoryBytes = info.node.memoryKiB * 1024;
    let cpuModel = info.node.model;
    try {
      memoryBytes = parseMeminfo(readFileSync('/proc/meminfo', 'utf8')).totalBytes;
      cpuModel = parseCpuModel(readFileSync('/proc/cpuinfo', 'utf8')) ?? cpus()[0]?.model ?? cpuModel;
    } catch {
      // Not Linux /proc (tests on odd hosts): libvirt's node info already filled these in.
    }
    const nested = nestedVirt();
    return {
      hostname: hostname() || info.hostname,
      ips: hostAddresses(),
      cpuModel: cpuModel || 'unknown',
      cpuCount: Math.max(1, cpus().length || info.node.cpus),
      memoryBytes,
      diskTotalBytes: disk.totalBytes,
      diskUsedBytes: disk.usedBytes,
      libvirtVersion: info.libvirtVersion.text,
      // virConnectGetVersion is the hypervisor's version: QEMU's only with the qemu driver.
      qemuVersion: info.hypervisorType === 'QEMU' ? info.hypervisorVersion.text : '',
      virtType: this.#virtChoice.virtType,
      capabilities: {
        kvm: kvmDevice && libvirtKvm,
        archs,
        machines: machinesOf(guests, archs.includes(hostArch) ? hostArch : (archs[0] ?? hostArch)),
        ...(nested === undefined ? {} : { nestedVirt: nested }),
      },
      ...(this.options.poolRoots && { poolRoots: [...this.options.poolRoots] }),
      agentVersion: AGENT_VERSION,
    };
  }
}
