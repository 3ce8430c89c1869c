import * as common from './areas/common';
import * as dashboard from './areas/dashboard';
import * as nodes from './areas/nodes';
import * as vmDetail from './areas/vm-detail';
import * as vms from './areas/vms';
import * as consoleArea from './areas/console';
import * as storage from './areas/storage';
import * as network from './areas/network';
import * as tasks from './areas/tasks';
import * as audit from './areas/audit';
import * as users from './areas/users';
import * as roles from './areas/roles';
import * as settings from './areas/settings';

/** English messages of the shell (menu, header, sign-in, errors); areas have their own files. */
export const coreEn = {
  'app.name': 'Paddock',
  'app.tagline': 'Virtual machines on your KVM hosts',

  'nav.dashboard': 'Dashboard',
  'nav.nodes': 'Nodes',
  'nav.vms': 'Virtual machines',
  'nav.storage': 'Storage',
  'nav.network': 'Network',
  'nav.tasks': 'Tasks',
  'nav.audit': 'Audit',
  'nav.admin': 'Administration',
  'nav.users': 'Users',
  'nav.roles': 'Roles',
  'nav.settings': 'Settings',

  'header.language': 'Language',
  'header.logout': 'Sign out',
  'header.collapse': 'Collapse menu',
  'header.expand': 'Expand menu',

  'login.title': 'Sign in',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.usernameRequired': 'Enter your username',
  'login.passwordRequired': 'Enter your password',
  'login.invalidCredentials': 'Wrong username or password',
  'login.tooManyAttempts': 'Too many sign-in attempts',
  'login.failed': 'Sign-in failed',

  'notFound.title': 'Page not found',
  'notFound.back': 'Back to the dashboard',

  'error.network': 'Cannot reach the appliance',
  'error.badRequest': 'The request was rejected',
  'error.unauthorized': 'You are not signed in',
  'error.forbidden': 'You do not have permission to do this',
  'error.notFound': 'Not found',
  'error.conflict': 'This conflicts with the current state',
  'error.tooMany': 'Too many requests, try again later',
  'error.server': 'The appliance reported an error',
  'error.unknown': 'The request failed',
  'error.sessionExpired': 'Your session has ended. Please sign in again.',
} satisfies Record<string, string>;

/** English messages; the source of the key set that every other dictionary must cover. */
export const en = {
  ...coreEn,
  ...common.en,
  ...dashboard.en,
  ...nodes.en,
  ...vms.en,
  ...vmDetail.en,
  ...consoleArea.en,
  ...storage.en,
  ...network.en,
  ...tasks.en,
  ...audit.en,
  ...users.en,
  ...roles.en,
  ...settings.en,
};

/** Every message key the console knows. */
export type MessageKey = keyof typeof en;
