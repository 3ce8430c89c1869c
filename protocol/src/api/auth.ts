import { type Static, Type } from '@sinclair/typebox';
import { Strict } from './common.ts';

/** `POST /api/auth/login`. */
export const LoginRequest = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  Strict,
);
export type LoginRequest = Static<typeof LoginRequest>;

/** `POST /api/auth/refresh` and `/logout`. */
export const RefreshRequest = Type.Object(
  { refreshToken: Type.String({ minLength: 10, maxLength: 200 }) },
  Strict,
);

/** The signed-in user with what they may do. */
export const Me = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
});
export type Me = Static<typeof Me>;

/** Answer of login and refresh. */
export const TokenPair = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer({ description: 'access token lifetime in seconds' }),
  tokenType: Type.Literal('Bearer'),
  user: Me,
});
export type TokenPair = Static<typeof TokenPair>;
