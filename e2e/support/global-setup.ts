/**
 * Once per Playwright run, in the runner: a run directory, whether libvirt answers, the test
 * guest ISO. Workers learn the answers through environment variables (set here, inherited by
 * every worker). The returned function is the global teardown: it checks that every prefix the
 * workers used was cleaned up, removes leftovers, and fails the run naming them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { AGENT_BINARY, REPO, REQUIRE_LIBVIRT, RUN_ENV } from './env';
import { libvirtUnavailableReason, ownedBy, removeOwned } from './libvirt';
import { killLeftoverAgent, recordedPrefixes } from './run-registry';

function buildIso(): { iso: string } | { error: string } {
  const started = Date.now();
  const run = spawnSync('bash', [join(REPO, 'scripts', 'build-test-iso.sh')], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  const match = /^ISO: (.+) \((\d+) bytes\)$/m.exec(run.stdout ?? '');
  if (run.status !== 0 || !match?.[1]) {
    return {
      error: `scripts/build-test-iso.sh failed (${run.status}): ${(run.stderr ?? '').trim().slice(-2000)}`,
    };
  }
  console.log(`[e2e] test guest ISO ${match[1]} (${match[2]} bytes) ready in ${Date.now() - started} ms`);
  return { iso: match[1] };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const unavailable = libvirtUnavailableReason();
  if (unavailable && REQUIRE_LIBVIRT) {
    throw new Error(
      `${unavailable} (PADDOCK_E2E_REQUIRE_LIBVIRT=1: scripts/deps-libvirt.sh should have started it)`,
    );
  }
  const runDir = mkdtempSync(join(tmpdir(), 'paddock-e2e-run-'));
  process.env[RUN_ENV.runDir] = runDir;
  // One node for the whole run, named so that it is clearly the e2e agent's.
  process.env[RUN_ENV.nodeHostname] = `paddock-e2e-${basename(runDir).slice(-6).toLowerCase()}`;
  process.env[RUN_ENV.libvirtUnavailable] = unavailable ?? '';
  if (unavailable) {
    console.warn(`[e2e] libvirt unavailable — tests that need a hypervisor will be SKIPPED: ${unavailable}`);
  } else {
    const errors: string[] = [];
    if (!existsSync(AGENT_BINARY)) errors.push(`no agent binary at ${AGENT_BINARY} (bash scripts/build.sh)`);
    const iso = buildIso();
    if ('iso' in iso) process.env[RUN_ENV.iso] = iso.iso;
    else errors.push(iso.error);
    process.env[RUN_ENV.hypervisorError] = errors.join('; ');
    if (errors.length) console.warn(`[e2e] hypervisor tests will FAIL: ${errors.join('; ')}`);
  }

  return async () => {
    const notes: string[] = [];
    const killed = killLeftoverAgent(runDir, AGENT_BINARY);
    if (killed) notes.push(killed);
    for (const { prefix, dirs } of recordedPrefixes(runDir)) {
      const owned = unavailable ? { domains: [], pools: [] } : ownedBy(prefix);
      const found = [...owned.domains.map((d) => `domain ${d}`), ...owned.pools.map((p) => `pool ${p}`)];
      const stuck = found.length ? removeOwned(prefix) : [];
      if (stuck.length) found.push(`STILL THERE: ${stuck.join(', ')}`);
      for (const dir of dirs) {
        if (existsSync(dir)) found.push(`directory ${dir}`);
        rmSync(dir, { recursive: true, force: true });
      }
      if (found.length) notes.push(`${prefix}: ${found.join(', ')}`);
    }
    rmSync(runDir, { recursive: true, force: true });
    if (notes.length) {
      // The workers' teardowns should have left nothing: a leftover is a harness bug (or a killed worker).
      throw new Error(`e2e teardown left these behind (now removed): ${notes.join('; ')}`);
    }
  };
}
