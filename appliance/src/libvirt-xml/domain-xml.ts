import { xml } from './escape.ts';

/** Everything the domain XML needs, resolved (paths, bridges). */
export interface DomainSpec {
  uuid: string;
  name: string;
  vcpu: number;
  memoryMb: number;
  virtType: 'kvm' | 'qemu';
  disks: Array<{ path: string; format: 'qcow2' | 'raw' }>;
  cdrom?: { path: string };
  nics: Array<{ bridge: string; mac: string }>;
  description?: string | null;
}

const DEVS = 'abcdefghijklmnop';

/**
 * libvirt XML for a Paddock VM: virtio disks and NICs, a serial console on a pty (reachable
 * through the agent), VNC bound to the host's loopback only (the appliance proxies it), and the
 * guest booting from disk first, then the CD-ROM.
 */
export function domainXml(spec: DomainSpec): string {
  const disks = spec.disks
    .map(
      (d, i) => `    <disk type='file' device='disk'>
      <driver name='qemu' type='${d.format}' cache='none'/>
      <source file='${xml(d.path)}'/>
      <target dev='vd${DEVS[i]}' bus='virtio'/>
    </disk>`,
    )
    .join('\n');
  const cdrom = spec.cdrom
    ? `    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='${xml(spec.cdrom.path)}'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>`
    : '';
  const nics = spec.nics
    .map(
      (n) => `    <interface type='bridge'>
      <mac address='${xml(n.mac)}'/>
      <source bridge='${xml(n.bridge)}'/>
      <model type='virtio'/>
    </interface>`,
    )
    .join('\n');
  const boot = [spec.disks.length > 0 ? "<boot dev='hd'/>" : '', spec.cdrom ? "<boot dev='cdrom'/>" : '']
    .filter(Boolean)
    .join('');
  return `<domain type='${spec.virtType}'>
  <name>${xml(spec.name)}</name>
  <uuid>${xml(spec.uuid)}</uuid>
  <description>${xml(spec.description ?? 'managed by Paddock')}</description>
  <memory unit='MiB'>${spec.memoryMb}</memory>
  <currentMemory unit='MiB'>${spec.memoryMb}</currentMemory>
  <vcpu placement='static'>${spec.vcpu}</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>${boot}</os>
  <features><acpi/><apic/></features>
  ${spec.virtType === 'kvm' ? "<cpu mode='host-passthrough'/>" : ''}
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
${[disks, cdrom, nics].filter(Boolean).join('\n')}
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>
    <video><model type='vga'/></video>
    <memballoon model='virtio'/>
  </devices>
</domain>`;
}

/** A locally administered, stable-looking MAC in QEMU's 52:54:00 range. */
export function randomMac(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `52:54:00:${[...b].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
}
