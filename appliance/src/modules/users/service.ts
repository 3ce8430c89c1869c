import type { User, UserPatch, UsersPost } from '@paddock/protocol/api/users';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/database.ts';
import type { ListParams, ListResult } from '../../db/list-query.ts';
import { AppError, invalidField } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import { notifyAccessChanged } from '../auth/access-changes.ts';
import { assertHolds, permissionsHeld } from '../auth/grants.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import { revokeAllForUser } from '../auth/refresh-repository.ts';
import { permissionsOfRoles, roleIdsByName } from '../roles/repository.ts';
import * as repo from './repository.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The API view of a user row. */
export function toUser(row: repo.UserWithRoles): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    enabled: row.enabled,
    builtin: row.builtin,
    roles: row.roles,
    lastLoginAt: iso(row.last_login_at),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

async function resolveRoles(trx: Transaction<DB>, names: string[]): Promise<string[]> {
  const ids = await roleIdsByName(trx, names);
  const missing = names.filter((n) => !ids.has(n));
  if (missing.length > 0) throw invalidField('roles', `unknown role(s): ${missing.join(', ')}`);
  return names.map((n) => ids.get(n)!);
}

/**
 * Managing a user (password, enabled, email, roles, deletion) is only for an actor holding every
 * permission that user holds: a user manager cannot reset an admin's password and become them.
 * The roles bound to the user must be within the actor's permissions too.
 */
async function assertMayManage(
  trx: Transaction<DB>,
  actor: Actor,
  target: { id: string; username: string } | undefined,
  roleIds: string[] = [],
): Promise<void> {
  const held = await permissionsHeld(trx, actor);
  if (held.has('*')) return;
  if (target && target.id !== actor.userId) {
    assertHolds(held, await repo.permissionsOfUser(trx, target.id), `managing user "${target.username}"`);
  }
  assertHolds(held, await permissionsOfRoles(trx, roleIds), 'these roles');
}

/** Refuses a change (users, roles, bindings) that would leave nobody able to administer the appliance. */
export async function assertAdminRemains(trx: Transaction<DB>): Promise<void> {
  if ((await repo.countEnabledAdmins(trx)) === 0) {
    throw new AppError('CONFLICT', 'this change would leave no enabled administrator');
  }
}

/** Users: listing, creation, changes and deletion, each change audited in its transaction. */
export class UsersService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(params: ListParams & { role?: string }): Promise<ListResult<User>> {
    const page = await repo.listUsers(this.db, params);
    return { ...page, items: page.items.map(toUser) };
  }

  async get(id: string): Promise<User> {
    const row = await repo.findUserById(this.db, id);
    if (!row) throw new AppError('USER_NOT_FOUND', `user ${id} does not exist`);
    return toUser(row);
  }

  async create(actor: Actor, input: UsersPost, opts: { builtin?: boolean } = {}): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    return auditedChange(this.db, actor, async (trx) => {
      if (await repo.findUserByUsername(trx, input.username)) {
        throw new AppError('ALREADY_EXISTS', `user "${input.username}" already exists`, {
          field: 'username',
        });
      }
      const id = crypto.randomUUID();
      const roleIds = await resolveRoles(trx, input.roles ?? []);
      await assertMayManage(trx, actor, undefined, roleIds);
      await repo.insertUser(trx, {
        id,
        username: input.username,
        password_hash: passwordHash,
        email: input.email ?? null,
        display_name: input.displayName ?? null,
        enabled: input.enabled ?? true,
        builtin: opts.builtin ?? false,
        updated_at: new Date(),
      });
      await repo.setUserRoles(trx, id, roleIds);
      const user = toUser((await repo.findUserById(trx, id))!);
      return {
        result: user,
        audit: { targetType: 'user', targetId: id, detail: { username: user.username, roles: user.roles } },
      };
    });
  }

  async update(actor: Actor, id: string, patch: UserPatch): Promise<User> {
    const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
    return auditedChange(this.db, actor, async (trx) => {
      const before = await repo.findUserById(trx, id);
      if (!before) throw new AppError('USER_NOT_FOUND', `user ${id} does not exist`);
      if (patch.enabled === false && id === actor.userId) {
        throw new AppError('CONFLICT', 'you cannot disable your own account');
      }
      const roleIds = patch.roles ? await resolveRoles(trx, patch.roles) : undefined;
      await assertMayManage(trx, actor, before, roleIds);
      await repo.updateUser(trx, id, {
        ...(patch.email !== undefined && { email: patch.email }),
        ...(patch.displayName !== undefined && { display_name: patch.displayName }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled }),
        ...(passwordHash && { password_hash: passwordHash }),
        updated_at: new Date(),
      });
      if (roleIds) await repo.setUserRoles(trx, id, roleIds);
      await assertAdminRemains(trx);
      if (roleIds || patch.enabled === false) await notifyAccessChanged(trx);
      if (passwordHash || patch.enabled === false) await revokeAllForUser(trx, id);
      const after = toUser((await repo.findUserById(trx, id))!);
      const changed = Object.keys(patch);
      return {
        result: after,
        audit: { targetType: 'user', targetId: id, detail: { username: after.username, changed } },
      };
    });
  }

  async setRoles(actor: Actor, id: string, roles: string[]): Promise<User> {
    return this.update(actor, id, { roles });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await auditedChange(this.db, actor, async (trx) => {
      const user = await repo.findUserById(trx, id);
      if (!user) throw new AppError('USER_NOT_FOUND', `user ${id} does not exist`);
      if (id === actor.userId) throw new AppError('CONFLICT', 'you cannot delete your own account');
      await assertMayManage(trx, actor, user);
      await repo.deleteUser(trx, id);
      await assertAdminRemains(trx);
      await notifyAccessChanged(trx);
      return {
        result: undefined,
        audit: { targetType: 'user', targetId: id, detail: { username: user.username } },
      };
    });
  }

  /** A signed-in user changes their own password, proving they know the current one. */
  async changeOwnPassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const user = actor.userId ? await repo.findUserById(this.db, actor.userId) : undefined;
    if (!user || !(await verifyPassword(currentPassword, user.password_hash))) {
      throw invalidField('currentPassword', 'does not match');
    }
    await this.update(actor, user.id, { password: newPassword });
  }

  /** Sets a password outside any request (CLI `admin reset-password`). */
  async resetPassword(actor: Actor, username: string, password: string): Promise<User> {
    const user = await repo.findUserByUsername(this.db, username);
    if (!user) throw new AppError('USER_NOT_FOUND', `user "${username}" does not exist`);
    return this.update(actor, user.id, { password, enabled: true });
  }
}
