import type { Conn } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { permissionsOfUser } from '../users/repository.ts';

/**
 * What the actor holds now, read in the caller's transaction (not from the request's principal, so
 * a grant changed a moment ago counts). The appliance itself (bootstrap, CLI: no user id) holds all.
 */
export async function permissionsHeld(conn: Conn, actor: Actor): Promise<Set<string>> {
  if (actor.userId === null) return new Set(['*']);
  return new Set(await permissionsOfUser(conn, actor.userId));
}

/**
 * Refuses a change that would hand out, take away or manage a permission the actor does not hold
 * themselves: `roles:update` or `users:update` must not be a way to more power (only `*` grants `*`).
 */
export function assertHolds(held: Set<string>, wanted: Iterable<string>, what: string): void {
  if (held.has('*')) return;
  const missing = [...new Set(wanted)].filter((p) => !held.has(p)).sort();
  if (missing.length > 0) {
    throw new AppError('FORBIDDEN', `${what} involves permission(s) you do not hold: ${missing.join(', ')}`, {
      permissions: missing,
    });
  }
}

/** The permissions in one set and not the other, either way: what a change grants or takes away. */
export function changedPermissions(before: Iterable<string>, after: Iterable<string>): string[] {
  const a = new Set(before);
  const b = new Set(after);
  return [...[...a].filter((p) => !b.has(p)), ...[...b].filter((p) => !a.has(p))];
}
