import type { RouteAccess } from '@paddock/protocol/api/permissions';
import { Elysia } from 'elysia';
import type { Actor } from '../modules/audit/actor.ts';
import type { Principal } from '../modules/auth/principal.ts';
import { can } from '../modules/auth/principal.ts';
import type { AuthService } from '../modules/auth/service.ts';
import { AppError } from '../errors.ts';
import { actorOf, bearerToken, stateOf } from './request-state.ts';

/**
 * The one place routes declare who may call them: `{ access: 'users:read' }`. The check runs in the
 * transform phase, BEFORE body validation, so an anonymous or unprivileged caller learns nothing
 * about a route's schema (401/403 first, then 422). The declaration is also written into the
 * route's OpenAPI detail, which is how the route-enumerating test and the startup check read it.
 */
export function accessPlugin(auth: AuthService) {
  return new Elysia({ name: 'access' }).macro({
    access: (access: RouteAccess) => ({
      detail: {
        'x-permission': access,
        ...(access === 'public' || access === 'agent' ? {} : { security: [{ bearerAuth: [] }] }),
      } as Record<string, unknown>,
      async transform({ request }: { request: Request }) {
        const state = stateOf(request);
        state.access = access;
        if (access === 'public' || access === 'agent') return;
        const token = bearerToken(request);
        if (!token) throw new AppError('UNAUTHENTICATED', 'sign in first: missing bearer token');
        state.principal = await auth.authenticate(token);
        if (access !== 'authenticated' && !can(state.principal, access)) {
          throw new AppError('FORBIDDEN', `this needs the permission "${access}"`, { permission: access });
        }
      },
      resolve({ request }: { request: Request }): { principal: Principal; actor: Actor } {
        const state = stateOf(request);
        // For public routes there is no principal; routes that declare `public` never read it.
        return { principal: state.principal as Principal, actor: actorOf(state) };
      },
    }),
  });
}

export type AccessPlugin = ReturnType<typeof accessPlugin>;
