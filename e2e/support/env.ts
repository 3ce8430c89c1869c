/**
 * What the e2e harness shares between the config, the global setup and the workers: paths in the
 * repository, the seeded admin, and the environment variables through which the global setup
 * (which runs once, in the runner process) tells the workers what it found.
 */
import { resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');

/** Seeded by e2e/serve-binary.sh through PADDOCK_ADMIN_PASSWORD on a fresh data directory. */
export const ADMIN = { username: 'admin', password: 'e2e-Admin-pass1' } as const;

/** Where the appliance under test listens (e2e/serve-binary.sh reads the same variable). */
export const E2E_PORT = Number(process.env['E2E_PORT'] ?? 18080);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;

export const AGENT_BINARY = resolve(REPO, process.env['PADDOCK_AGENT_BINARY'] ?? 'dist/paddock-agent');
export const LIBVIRT_URI = 'qemu:///system';

/**
 * TCG by default: the same guest then behaves alike on machines with and without /dev/kvm (nested
 * KVM has hung early boots here). PADDOCK_E2E_VIRT_TYPE=kvm|auto opts in to hardware virtualization.
 */
export const VIRT_TYPE = process.env['PADDOCK_E2E_VIRT_TYPE'] ?? 'qemu';

/** Names of the variables the global setup sets for the workers. */
export const RUN_ENV = {
  /** A directory for this run: the agent's state, the list of prefixes used, the agent's pid. */
  runDir: 'PADDOCK_E2E_RUN_DIR',
  /** Empty when libvirt answers; otherwise why hypervisor tests are skipped. */
  libvirtUnavailable: 'PADDOCK_E2E_LIBVIRT_UNAVAILABLE',
  /** Set when libvirt answers but something the hypervisor fixture needs is broken: those tests fail. */
  hypervisorError: 'PADDOCK_E2E_HYPERVISOR_ERROR',
  /** Absolute path of the test guest ISO. */
  iso: 'PADDOCK_E2E_ISO',
  /** The hostname the run's agent enrolls with (one node for the whole run). */
  nodeHostname: 'PADDOCK_E2E_NODE_HOSTNAME',
} as const;

/** scripts/test.sh sets this: libvirt was just set up there, so its absence is a failure, not a skip. */
export const REQUIRE_LIBVIRT = process.env['PADDOCK_E2E_REQUIRE_LIBVIRT'] === '1';

export function runEnv(name: keyof typeof RUN_ENV): string {
  return process.env[RUN_ENV[name]] ?? '';
}
