import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { AuthService } from './auth.service';

/** Lets signed-in users through; everyone else goes to /login and comes back afterwards. */
export const authGuard: CanActivateFn = async (_route, state) => {
  const auth = inject(AuthService);
  const router = inject(Router);
  await auth.ensureUser();
  // A failed /me that was not an auth failure (appliance briefly down) keeps the session.
  if (auth.hasSession()) return true;
  return router.createUrlTree(['/login'], { queryParams: loginReturn(state.url) });
};

/** Keeps the sign-in page for signed-out users only. */
export const guestGuard: CanActivateFn = () => {
  const auth = inject(AuthService);
  return auth.hasSession() ? inject(Router).createUrlTree(['/dashboard']) : true;
};

/** The dashboard is where sign-in lands anyway; keep the login URL clean for it. */
function loginReturn(url: string): Record<string, string> {
  return url === '/' || url === '/dashboard' || url.startsWith('/login') ? {} : { returnUrl: url };
}
