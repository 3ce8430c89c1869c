import { LoginRequest, Me, RefreshRequest, TokenPair } from '@paddock/protocol/api/auth';
import { PasswordChange } from '@paddock/protocol/api/users';
import { Elysia } from 'elysia';
import type { AccessPlugin } from '../../http/access.plugin.ts';
import { stateOf } from '../../http/request-state.ts';
import type { UsersService } from '../users/service.ts';
import { AuthService } from './service.ts';

/**
 * `/api/auth`: login, refresh and logout are public — the credentials are in the body (refresh and
 * logout present the refresh token itself, since the access token may already have expired).
 */
export function authRoutes(access: AccessPlugin, auth: AuthService, users: UsersService) {
  return new Elysia({ prefix: '/api/auth', detail: { tags: ['auth'] } })
    .use(access)
    .post(
      '/login',
      ({ body, request }) => {
        const state = stateOf(request);
        return auth.login(body, { ip: state.ip, requestId: state.requestId });
      },
      {
        access: 'public',
        body: LoginRequest,
        response: TokenPair,
        detail: { summary: 'Sign in with a password' },
      },
    )
    .post(
      '/refresh',
      ({ body, request }) => {
        const state = stateOf(request);
        return auth.refresh(body.refreshToken, { ip: state.ip, requestId: state.requestId });
      },
      {
        access: 'public',
        body: RefreshRequest,
        response: TokenPair,
        detail: { summary: 'Exchange a refresh token for a new pair (the old one is spent)' },
      },
    )
    .post(
      '/logout',
      async ({ body, actor, set }) => {
        await auth.logout(body.refreshToken, actor);
        set.status = 204;
      },
      { access: 'public', body: RefreshRequest, detail: { summary: 'End the session of a refresh token' } },
    )
    .get('/me', ({ principal }) => AuthService.toMe(principal), {
      access: 'authenticated',
      response: Me,
      detail: { summary: 'The signed-in user and their permissions' },
    })
    .post(
      '/password',
      async ({ body, actor, set }) => {
        await users.changeOwnPassword(actor, body.currentPassword, body.newPassword);
        set.status = 204;
      },
      { access: 'authenticated', body: PasswordChange, detail: { summary: 'Change your own password' } },
    );
}
