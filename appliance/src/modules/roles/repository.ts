import { sql } from 'kysely';
import type { Conn, RoleRow } from '../../db/database.ts';
import { type ListParams, type ListSpec, runList } from '../../db/list-query.ts';

export type RoleWithGrants = RoleRow & { permissions: string[]; user_count: number };

export const roleListSpec: ListSpec = {
  sortable: { id: 'roles.id', name: 'roles.name', createdAt: 'roles.created_at' },
  defaultSort: { field: 'name', dir: 'asc' },
  searchable: ['roles.name', 'roles.description'],
  filters: { builtin: 'roles.builtin' },
};

const grants = sql<string[]>`coalesce((
  SELECT array_agg(p.permission ORDER BY p.permission) FROM role_permissions p WHERE p.role_id = roles.id
), '{}')`;
const userCount = sql<number>`(SELECT count(*) FROM role_bindings b WHERE b.role_id = roles.id)`;

function selectRoles(db: Conn) {
  return db
    .selectFrom('roles')
    .selectAll('roles')
    .select([grants.as('permissions'), userCount.as('user_count')]);
}

/** One page of roles. */
export function listRoles(db: Conn, params: ListParams) {
  return runList(selectRoles(db), roleListSpec, params);
}

export function findRoleById(db: Conn, id: string): Promise<RoleWithGrants | undefined> {
  return selectRoles(db).where('roles.id', '=', id).executeTakeFirst();
}

export function findRoleByName(db: Conn, name: string): Promise<RoleWithGrants | undefined> {
  return selectRoles(db).where('roles.name', '=', name).executeTakeFirst();
}

/** Role ids for these names; names that do not exist are missing from the map. */
export async function roleIdsByName(db: Conn, names: string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await db.selectFrom('roles').select(['id', 'name']).where('name', 'in', names).execute();
  return new Map(rows.map((r) => [r.name, r.id]));
}

export async function insertRole(
  db: Conn,
  role: { id: string; name: string; description: string | null; builtin?: boolean },
) {
  await db
    .insertInto('roles')
    .values({ ...role, updated_at: new Date() })
    .execute();
}

export async function updateRole(db: Conn, id: string, changes: { description?: string | null }) {
  await db
    .updateTable('roles')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function deleteRole(db: Conn, id: string): Promise<void> {
  await db.deleteFrom('roles').where('id', '=', id).execute();
}

/** Replaces a role's grants. */
export async function setRolePermissions(db: Conn, roleId: string, permissions: string[]): Promise<void> {
  await db.deleteFrom('role_permissions').where('role_id', '=', roleId).execute();
  if (permissions.length > 0) {
    await db
      .insertInto('role_permissions')
      .values(permissions.map((permission) => ({ role_id: roleId, permission })))
      .execute();
  }
}

/** Every permission these roles grant between them. */
export async function permissionsOfRoles(db: Conn, roleIds: string[]): Promise<string[]> {
  if (roleIds.length === 0) return [];
  const rows = await db
    .selectFrom('role_permissions')
    .select('permission')
    .where('role_id', 'in', roleIds)
    .distinct()
    .execute();
  return rows.map((r) => r.permission);
}

/** The catalogue of permissions, kept in step with the code at every start. */
export async function syncPermissions(db: Conn, catalogue: Record<string, string>): Promise<void> {
  const entries = Object.entries(catalogue).map(([name, description]) => ({ name, description }));
  await db
    .insertInto('permissions')
    .values(entries)
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({ description: (eb) => eb.ref('excluded.description') }),
    )
    .execute();
}

export function listPermissions(db: Conn) {
  return db.selectFrom('permissions').selectAll().orderBy('name').execute();
}

export async function bindRole(db: Conn, userId: string, roleId: string): Promise<void> {
  await db
    .insertInto('role_bindings')
    .values({ user_id: userId, role_id: roleId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function unbindRole(db: Conn, userId: string, roleId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('role_bindings')
    .where('user_id', '=', userId)
    .where('role_id', '=', roleId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export function listBindings(db: Conn, filter: { userId?: string; roleId?: string }) {
  let query = db
    .selectFrom('role_bindings')
    .innerJoin('users', 'users.id', 'role_bindings.user_id')
    .innerJoin('roles', 'roles.id', 'role_bindings.role_id')
    .select([
      'role_bindings.user_id',
      'role_bindings.role_id',
      'users.username',
      'roles.name as role_name',
      'role_bindings.created_at',
    ]);
  if (filter.userId) query = query.where('role_bindings.user_id', '=', filter.userId);
  if (filter.roleId) query = query.where('role_bindings.role_id', '=', filter.roleId);
  return query.orderBy('users.username').orderBy('roles.name').execute();
}
