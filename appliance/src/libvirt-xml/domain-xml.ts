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
 * Where QEMU listens for a VM's serial console: a UNIX socket, so no console port exists on any
 * network; the agent connects to it and the appliance proxies the bytes. VNC uses a UNIX socket
 * too, whose path libvirt picks (an explicit one is turned back into a TCP port by libvirt 9);
 * the agent reads it from the live XML.
 */
export function consoleSocket(uuid: string): string {
  return `/var/lib/libvirt/qemu/paddock-${xml(uuid)}-serial.sock`;
}

/**
 * libvirt XML for a Paddock VM: virtio disks and NICs, serial console and VNC on UNIX sockets
 * (see consoleSocket), the serial output also logged on the node, and the guest booting from disk
 * first, then the CD-ROM (q35 with a SATA CD-ROM: the BIOS reads a kernel off it several seconds
 * faster than off IDE).
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
  <os><type arch='x86_64' machine='q35'>hvm</type>${boot}</os>
  <features><acpi/><apic/></features>
  ${spec.virtType === 'kvm' ? "<cpu mode='host-passthrough'/>" : ''}
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
${[disks, cdrom, nics].filter(Boolean).join('\n')}
    <serial type='unix'>
      <source mode='bind' path='${consoleSocket(spec.uuid)}'/>
      <log file='/var/log/libvirt/qemu/paddock-${xml(spec.uuid)}-serial.log' append='on'/>
      <target port='0'/>
    </serial>
    <console type='unix'>
      <source mode='bind' path='${consoleSocket(spec.uuid)}'/>
      <target type='serial' port='0'/>
    </console>
    <graphics type='vnc'><listen type='socket'/></graphics>
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
