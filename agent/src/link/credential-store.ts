import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What enrollment leaves behind: the only secret the agent needs afterwards. */
export interface StoredCredential {
  /** The appliance that issued it. */
  server: string;
  nodeId: string;
  credential: string;
  /** ISO time of enrollment (informational). */
  enrolledAt?: string;
}

/** The credential file inside the state directory. */
export function credentialPath(stateDir: string): string {
  return join(stateDir, 'credential.json');
}

/** Reads the stored credential; undefined when the agent has not enrolled. A corrupt file throws. */
export function readCredential(stateDir: string): StoredCredential | undefined {
  const path = credentialPath(stateDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // ENOTDIR: part of the path is a file, so there is no credential either; prepareStateDir says why.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: Partial<StoredCredential>;
  try {
    parsed = JSON.parse(text) as Partial<StoredCredential>;
  } catch {
    throw new Error(`${path} is not valid JSON: remove it and enroll again with a new token`);
  }
  if (typeof parsed.credential !== 'string' || !parsed.credential || typeof parsed.nodeId !== 'string') {
    throw new Error(`${path} has no credential/nodeId: remove it and enroll again with a new token`);
  }
  return {
    server: typeof parsed.server === 'string' ? parsed.server : '',
    nodeId: parsed.nodeId,
    credential: parsed.credential,
    ...(typeof parsed.enrolledAt === 'string' ? { enrolledAt: parsed.enrolledAt } : {}),
  };
}

/**
 * Stores the credential with mode 0600 in a 0700 directory. Written to a temporary file first and
 * renamed, so a crash mid-write never leaves a truncated credential behind.
 */
export function writeCredential(stateDir: string, credential: StoredCredential): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  // mkdir's mode does not apply to a directory that already existed.
  chmodSync(stateDir, 0o700);
  const path = credentialPath(stateDir);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(credential, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/**
 * Creates the state directory (0700) and proves it writable. Called before spending an enrollment
 * token: a credential that cannot be stored would burn the single-use token for nothing.
 */
export function prepareStateDir(stateDir: string): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  const probe = join(stateDir, `.write-test.${process.pid}`);
  writeFileSync(probe, '', { mode: 0o600 });
  rmSync(probe);
}
