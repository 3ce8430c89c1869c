import { type Static, Type } from '@sinclair/typebox';
import { Strict } from './common.ts';

export const Username = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
export const Password = Type.String({ minLength: 8, maxLength: 256 });
const Email = Type.String({ format: 'email', maxLength: 254 });
const RoleNames = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 50,
  uniqueItems: true,
});

/** A user as the API shows it (never the password hash). */
export const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  builtin: Type.Boolean(),
  roles: Type.Array(Type.String()),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type User = Static<typeof User>;

/** `POST /api/users`. */
export const UsersPost = Type.Object(
  {
    username: Username,
    password: Password,
    email: Type.Optional(Email),
    displayName: Type.Optional(Type.String({ maxLength: 128 })),
    enabled: Type.Optional(Type.Boolean()),
    roles: Type.Optional(RoleNames),
  },
  Strict,
);
export type UsersPost = Static<typeof UsersPost>;

/** `PATCH /api/users/{id}`: any subset of the writable fields. */
export const UserPatch = Type.Object(
  {
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    displayName: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
    enabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
    roles: Type.Optional(RoleNames),
  },
  { ...Strict, minProperties: 1 },
);
export type UserPatch = Static<typeof UserPatch>;

/** `PUT /api/users/{id}/roles`: the complete set of role names bound to the user. */
export const UserRolesPut = Type.Object({ roles: RoleNames }, Strict);

/** `POST /api/auth/password`: a user changes their own password. */
export const PasswordChange = Type.Object(
  { currentPassword: Type.String({ maxLength: 256 }), newPassword: Password },
  Strict,
);
export type UserRolesPut = Static<typeof UserRolesPut>;
export type PasswordChange = Static<typeof PasswordChange>;
