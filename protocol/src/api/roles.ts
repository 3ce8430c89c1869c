import { type Static, Type } from '@sinclair/typebox';
import { Strict } from './common.ts';

const PermissionName = Type.String({ pattern: '^([a-z]+:[a-z]+|\\*)$', maxLength: 64 });
const PermissionList = Type.Array(PermissionName, { maxItems: 200, uniqueItems: true });

/** A role with its granted permissions and how many users hold it. */
export const Role = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  builtin: Type.Boolean(),
  permissions: Type.Array(Type.String()),
  userCount: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Role = Static<typeof Role>;

/** `POST /api/roles`. */
export const RolesPost = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]*$' }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    permissions: PermissionList,
  },
  Strict,
);
export type RolesPost = Static<typeof RolesPost>;

/** `PATCH /api/roles/{id}`. */
export const RolePatch = Type.Object(
  {
    description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    permissions: Type.Optional(PermissionList),
  },
  { ...Strict, minProperties: 1 },
);
export type RolePatch = Static<typeof RolePatch>;

/** `POST /api/role-bindings` / `DELETE` body. */
export const RoleBindingBody = Type.Object(
  { userId: Type.String({ format: 'uuid' }), roleId: Type.String({ format: 'uuid' }) },
  Strict,
);
export type RoleBindingBody = Static<typeof RoleBindingBody>;

/** A role bound to a user, as `GET /api/role-bindings` lists it. */
export const RoleBinding = Type.Object({
  userId: Type.String(),
  roleId: Type.String(),
  username: Type.String(),
  role: Type.String(),
  createdAt: Type.String(),
});
export type RoleBinding = Static<typeof RoleBinding>;

/** One entry of `GET /api/permissions`. */
export const PermissionInfo = Type.Object({ name: Type.String(), description: Type.String() });
export type PermissionInfo = Static<typeof PermissionInfo>;
