/**
 * What the agent needs from libvirt's capabilities XML (virConnectGetCapabilities): guest
 * architectures, machine types and the domain types (kvm, qemu, test…) each offers. A few regular
 * expressions suffice for this fixed, libvirt-generated shape; no XML parser is pulled in for it.
 */

/** One `<guest>` entry: an architecture with its domain types and machines. */
export interface GuestCapability {
  osType: string;
  arch: string;
  domainTypes: string[];
  machines: string[];
}

/** Parses every `<guest>` block of a capabilities document. */
export function parseGuestCapabilities(xml: string): GuestCapability[] {
  const guests: GuestCapability[] = [];
  for (const block of xml.matchAll(/<guest>([\s\S]*?)<\/guest>/g)) {
    const body = block[1] ?? '';
    const arch = /<arch\s+name=['"]([^'"]+)['"]/.exec(body)?.[1];
    if (!arch) continue;
    guests.push({
      osType: /<os_type>([^<]+)<\/os_type>/.exec(body)?.[1] ?? '',
      arch,
      domainTypes: [...body.matchAll(/<domain\s+type=['"]([^'"]+)['"]/g)].map((m) => m[1] as string),
      machines: [...body.matchAll(/<machine\b[^>]*>([^<]+)<\/machine>/g)].map((m) => m[1] as string),
    });
  }
  return guests;
}

/** Distinct hvm guest architectures. */
export function guestArchs(guests: readonly GuestCapability[]): string[] {
  return [...new Set(guests.filter((g) => g.osType === 'hvm').map((g) => g.arch))];
}

/** Whether libvirt offers `type` domains for any hvm guest. */
export function offersDomainType(guests: readonly GuestCapability[], type: string): boolean {
  return guests.some((g) => g.osType === 'hvm' && g.domainTypes.includes(type));
}

/** Machine types of `arch` (distinct, in libvirt's order). */
export function machinesOf(guests: readonly GuestCapability[], arch: string): string[] {
  return [...new Set(guests.filter((g) => g.arch === arch).flatMap((g) => g.machines))];
}
