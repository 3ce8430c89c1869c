import { PERMISSIONS } from '@paddock/protocol/api/permissions';
import type { Role, RolePatch, RolesPost } from '@paddock/protocol/api/roles';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/database.ts';
import type { ListParams, ListResult } from '../../db/list-query.ts';
import { AppError, invalidField } from '../../errors.ts';
import type { Actor } from '../audit/actor.ts';
import { auditedChange } from '../audit/service.ts';
import { notifyAccessChanged } from '../auth/access-changes.ts';
import { assertHolds, changedPermissions, permissionsHeld } from '../auth/grants.ts';
import { findUserById } from '../users/repository.ts';
import { assertAdminRemains } from '../users/service.ts';
import * as repo from './repository.ts';

/** The API view of a role row. */
export function toRole(row: repo.RoleWithGrants): Role {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    builtin: row.builtin,
    permissions: row.permissions,
    userCount: Number(row.user_count),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function checkPermissions(names: string[]): void {
  const unknown = names.filter((n) => n !== '*' && !(n in PERMISSIONS));
  if (unknown.length > 0) throw invalidField('permissions', `unknown permission(s): ${unknown.join(', ')}`);
}

/** Roles, their grants and the bindings of users to them. */
export class RolesService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(params: ListParams): Promise<ListResult<Role>> {
    const page = await repo.listRoles(this.db, params);
    return { ...page, items: page.items.map(toRole) };
  }

  async get(id: string): Promise<Role> {
    const row = await repo.findRoleById(this.db, id);
    if (!row) throw new AppError('ROLE_NOT_FOUND', `role ${id} does not exist`);
    return toRole(row);
  }

  listPermissions() {
    return repo.listPermissions(this.db);
  }

  async create(actor: Actor, input: RolesPost): Promise<Role> {
    checkPermissions(input.permissions);
    return auditedChange(this.db, actor, async (trx) => {
      if (await repo.findRoleByName(trx, input.name)) {
        throw new AppError('ALREADY_EXISTS', `role "${input.name}" already exists`, { field: 'name' });
      }
      assertHolds(await permissionsHeld(trx, actor), input.permissions, 'this role');
      const id = crypto.randomUUID();
      await repo.insertRole(trx, { id, name: input.name, description: input.description ?? null });
      await repo.setRolePermissions(trx, id, input.permissions);
      const role = toRole((await repo.findRoleById(trx, id))!);
      return {
        result: role,
        audit: {
          targetType: 'role',
          targetId: id,
          detail: { name: role.name, permissions: role.permissions },
        },
      };
    });
  }

  async update(actor: Actor, id: string, patch: RolePatch): Promise<Role> {
    if (patch.permissions) checkPermissions(patch.permissions);
    return auditedChange(this.db, actor, async (trx) => {
      const role = await repo.findRoleById(trx, id);
      if (!role) throw new AppError('ROLE_NOT_FOUND', `role ${id} does not exist`);
      if (role.builtin && patch.permissions) {
        throw new AppError(
          'CONFLICT',
          `the built-in role "${role.name}" keeps its permissions; create a custom role instead`,
        );
      }
      if (patch.permissions) {
        const changed = changedPermissions(role.permissions, patch.permissions);
        assertHolds(await permissionsHeld(trx, actor), changed, 'this change of permissions');
      }
      if (patch.description !== undefined) await repo.updateRole(trx, id, { description: patch.description });
      if (patch.permissions) {
        await repo.setRolePermissions(trx, id, patch.permissions);
        await repo.updateRole(trx, id, {});
        await notifyAccessChanged(trx);
      }
      await assertAdminRemains(trx);
      const after = toRole((await repo.findRoleById(trx, id))!);
      return {
        result: after,
        audit: { targetType: 'role', targetId: id, detail: { name: after.name, ...patch } },
      };
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await auditedChange(this.db, actor, async (trx) => {
      const role = await repo.findRoleById(trx, id);
      if (!role) throw new AppError('ROLE_NOT_FOUND', `role ${id} does not exist`);
      if (role.builtin) throw new AppError('CONFLICT', `the built-in role "${role.name}" cannot be deleted`);
      assertHolds(await permissionsHeld(trx, actor), role.permissions, `deleting role "${role.name}"`);
      await repo.deleteRole(trx, id);
      await assertAdminRemains(trx);
      await notifyAccessChanged(trx);
      return { result: undefined, audit: { targetType: 'role', targetId: id, detail: { name: role.name } } };
    });
  }

  listBindings(filter: { userId?: string; roleId?: string }) {
    return repo.listBindings(this.db, filter).then((rows) =>
      rows.map((r) => ({
        userId: r.user_id,
        roleId: r.role_id,
        username: r.username,
        role: r.role_name,
        createdAt: new Date(r.created_at).toISOString(),
      })),
    );
  }

  async bind(actor: Actor, userId: string, roleId: string): Promise<void> {
    await auditedChange(this.db, actor, async (trx) => {
      const [user, role] = await Promise.all([findUserById(trx, userId), repo.findRoleById(trx, roleId)]);
      if (!user) throw new AppError('USER_NOT_FOUND', `user ${userId} does not exist`);
      if (!role) throw new AppError('ROLE_NOT_FOUND', `role ${roleId} does not exist`);
      assertHolds(await permissionsHeld(trx, actor), role.permissions, `binding role "${role.name}"`);
      await repo.bindRole(trx, userId, roleId);
      return {
        result: undefined,
        audit: { targetType: 'user', targetId: userId, detail: { username: user.username, role: role.name } },
      };
    });
  }

  async unbind(actor: Actor, userId: string, roleId: string): Promise<void> {
    await auditedChange(this.db, actor, async (trx) => {
      const role = await repo.findRoleById(trx, roleId);
      if (role)
        assertHolds(await permissionsHeld(trx, actor), role.permissions, `removing role "${role.name}"`);
      if (!(await repo.unbindRole(trx, userId, roleId))) {
        throw new AppError('NOT_FOUND', `user ${userId} is not bound to role ${roleId}`);
      }
      await assertAdminRemains(trx);
      await notifyAccessChanged(trx);
      return { result: undefined, audit: { targetType: 'user', targetId: userId, detail: { roleId } } };
    });
  }
}
