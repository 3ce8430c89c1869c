import { accessSync, constants, readFileSync } from 'node:fs';
import type { VirtTypeSetting } from '../config.ts';

/** The virtualization type guests are defined with. */
export type VirtType = 'kvm' | 'qemu';

/** Why the agent uses the virt type it does (logged at start-up). */
export interface VirtTypeChoice {
  virtType: VirtType;
  reason: string;
}

/** True when this process can open /dev/kvm read-write (what QEMU needs to use it). */
export function kvmDeviceUsable(device = '/dev/kvm'): boolean {
  try {
    accessSync(device, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether the kvm module allows nested guests (Intel or AMD); undefined when kvm is not loaded. */
export function nestedVirt(sysModule = '/sys/module'): boolean | undefined {
  for (const mod of ['kvm_intel', 'kvm_amd']) {
    try {
      const value = readFileSync(`${sysModule}/${mod}/parameters/nested`, 'utf8').trim();
      return value === 'Y' || value === '1';
    } catch {
      // This vendor's module is not loaded: try the other.
    }
  }
  return undefined;
}

/**
 * Decides the virt type: a forced setting wins (with a warning reason if kvm is not actually
 * available); auto picks kvm only when /dev/kvm is usable AND libvirt offers kvm domains,
 * otherwise qemu (TCG, slow but works everywhere).
 */
export function chooseVirtType(
  setting: VirtTypeSetting,
  kvmDevice: boolean,
  libvirtKvm: boolean,
): VirtTypeChoice {
  if (setting === 'qemu') return { virtType: 'qemu', reason: 'forced by --virt-type qemu' };
  if (setting === 'kvm') {
    const missing = [!kvmDevice && '/dev/kvm is not usable', !libvirtKvm && 'libvirt offers no kvm domains'];
    const why = missing.filter(Boolean).join(', ');
    return {
      virtType: 'kvm',
      reason: why ? `forced by --virt-type kvm although ${why}` : 'forced by --virt-type kvm',
    };
  }
  if (kvmDevice && libvirtKvm)
    return { virtType: 'kvm', reason: 'auto: /dev/kvm usable and libvirt offers kvm' };
  const why = !kvmDevice ? '/dev/kvm is not usable' : 'libvirt offers no kvm domains';
  return { virtType: 'qemu', reason: `auto: ${why}, using TCG` };
}
