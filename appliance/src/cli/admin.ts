import { loadConfig, parseFlags } from '../config.ts';
import { systemActor } from '../modules/audit/actor.ts';
import { randomPassword } from '../modules/auth/password.ts';
import { UsersService } from '../modules/users/service.ts';
import { openAppContext } from '../runtime.ts';

function rolesFrom(argv: string[]): string[] {
  const roles: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === '--role' && argv[i + 1]) roles.push(argv[i + 1]!);
    else if (arg.startsWith('--role=')) roles.push(arg.slice(7));
  });
  return roles;
}

/** `paddock admin create-user | reset-password`, against the same database `serve` uses. */
export async function adminCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const flags = parseFlags(rest);
  const username = flags.get('username');
  if (!username || (sub !== 'create-user' && sub !== 'reset-password')) {
    console.error(
      'usage: paddock admin create-user|reset-password --username U [--password P] [--role R]...',
    );
    return 2;
  }
  const given = flags.get('password') ?? process.env.PADDOCK_PASSWORD;
  const password = given ?? randomPassword();
  const { ctx, close } = await openAppContext(loadConfig(flags));
  try {
    const users = new UsersService(ctx.db);
    if (sub === 'create-user') {
      const roles = rolesFrom(rest);
      const user = await users.create(systemActor('users:create', 'cli'), {
        username,
        password,
        roles: roles.length > 0 ? roles : ['viewer'],
      });
      console.log(`created user "${user.username}" (${user.id}) with roles ${user.roles.join(', ')}`);
    } else {
      await users.resetPassword(systemActor('users:update', 'cli'), username, password);
      console.log(`password of "${username}" reset; its sessions were signed out`);
    }
    if (!given) console.log(`password: ${password}`);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`paddock admin ${sub}: ${message}`);
    return 1;
  } finally {
    await close();
  }
}
