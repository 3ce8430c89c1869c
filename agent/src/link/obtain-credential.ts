import { hostname } from 'node:os';
import type { AgentConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import {
  prepareStateDir,
  readCredential,
  type StoredCredential,
  writeCredential,
} from './credential-store.ts';
import { EnrollmentRefused, enroll, enrollmentHostname } from './enroll-request.ts';
import type { ClientTls } from './tls.ts';

/** Enrollment cannot succeed: no credential and no token, or the token was refused. main exits. */
export class EnrollmentImpossible extends Error {
  override readonly name = 'EnrollmentImpossible';
}

/**
 * The credential to connect with: the stored one when there is one (the token is then ignored, it
 * was single-use anyway), else the token traded for a credential, which is stored before use.
 * Network failures are retried every `reconnectIntervalMs`; a refused token is final.
 */
export async function obtainCredential(
  config: AgentConfig,
  tls: ClientTls,
  logger: Logger,
  signal?: AbortSignal,
): Promise<StoredCredential> {
  const stored = readCredential(config.state);
  if (stored) {
    if (config.token)
      logger.info('enrollment: a credential is already stored; ignoring the enrollment token');
    if (stored.server && stored.server !== config.server) {
      logger.warn(
        { issuedBy: stored.server, server: config.server },
        'enrollment: the stored credential was issued by another server URL; using it anyway',
      );
    }
    logger.info({ nodeId: stored.nodeId }, 'enrollment: using the stored credential');
    return stored;
  }
  if (!config.token) {
    throw new EnrollmentImpossible(
      `not enrolled: no credential in ${config.state} and no enrollment token. Get one with ` +
        '`paddock admin enrollment-token` on the appliance and start the agent with --token TOKEN',
    );
  }
  try {
    prepareStateDir(config.state);
  } catch (error) {
    throw new EnrollmentImpossible(
      `state directory ${config.state} is not writable (${(error as Error).message}); fix it before spending the token`,
    );
  }
  const name = enrollmentHostname(hostname());
  let result: Awaited<ReturnType<typeof enroll>>;
  for (;;) {
    signal?.throwIfAborted();
    try {
      logger.info({ server: config.server, hostname: name }, 'enrollment: enrolling with the token');
      result = await enroll(config.server, config.token, name, tls);
      break;
    } catch (error) {
      if (error instanceof EnrollmentRefused) {
        throw new EnrollmentImpossible(
          `${error.message}. A token is single-use and expires: issue a new one with ` +
            '`paddock admin enrollment-token` (or POST /api/nodes/enrollment-tokens)',
        );
      }
      logger.warn(
        { err: (error as Error).message, retryInMs: config.reconnectIntervalMs },
        'enrollment: appliance unreachable, retrying',
      );
      await Bun.sleep(config.reconnectIntervalMs);
    }
  }
  const credential: StoredCredential = {
    server: config.server,
    nodeId: result.nodeId,
    credential: result.credential,
    enrolledAt: new Date().toISOString(),
  };
  try {
    writeCredential(config.state, credential);
  } catch (error) {
    // The token is spent: only a new one helps. Say which node was created so it can be removed.
    throw new EnrollmentImpossible(
      `enrolled as node ${result.nodeId} but could not store the credential in ${config.state}: ` +
        `${(error as Error).message}; delete that node and enroll again with a new token`,
    );
  }
  logger.info({ nodeId: result.nodeId, state: config.state }, 'enrollment: enrolled; credential stored');
  return credential;
}
