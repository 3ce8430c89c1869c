import type { ClientTls } from './tls.ts';

/** The appliance refused the enrollment (wrong, used or expired token; malformed request): retrying cannot help. */
export class EnrollmentRefused extends Error {
  override readonly name = 'EnrollmentRefused';
}

/** What a successful enrollment returns. */
export interface Enrollment {
  nodeId: string;
  credential: string;
}

/** A hostname the appliance accepts (letters, digits, dots, dashes; starting alphanumeric). */
export function enrollmentHostname(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9.-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 253);
  return cleaned || 'host';
}

/**
 * Trades the single-use token for the node's own credential: `POST {server}/api/agents/enroll`
 * `{token, hostname}` → `201 {nodeId, credential}`. A 401/403 throws EnrollmentRefused; anything
 * else (network, 5xx) throws a plain Error that the caller retries.
 */
export async function enroll(
  server: string,
  token: string,
  hostname: string,
  tls: ClientTls,
  timeoutMs = 15_000,
): Promise<Enrollment> {
  const response = await fetch(`${server}/api/agents/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token, hostname }),
    signal: AbortSignal.timeout(timeoutMs),
    ...(tls ? { tls } : {}),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const apiError = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const detail = `HTTP ${response.status}${apiError?.message ? `: ${apiError.message}` : ''}`;
  if (response.status === 401 || response.status === 403) {
    throw new EnrollmentRefused(`enrollment token refused (${detail})`);
  }
  // Any other 4xx but a timeout or rate limit means the request itself is wrong: resending it
  // unchanged cannot succeed, so this is final too.
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
    throw new EnrollmentRefused(`enrollment request rejected (${detail})`);
  }
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`enrollment failed (${detail})`);
  }
  const { nodeId, credential } = (body ?? {}) as Partial<Enrollment>;
  if (typeof nodeId !== 'string' || !nodeId || typeof credential !== 'string' || !credential) {
    throw new Error('enrollment answer lacks nodeId/credential');
  }
  return { nodeId, credential };
}
