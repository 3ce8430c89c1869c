import { BUILTIN_ROLES, PERMISSIONS } from '@paddock/protocol/api/permissions';
import { sql } from 'kysely';
import type { Database } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Logger } from './observability/logger.ts';
import { systemActor } from './modules/audit/actor.ts';
import { auditSuccess } from './modules/audit/service.ts';
import { hashPassword, randomPassword } from './modules/auth/password.ts';
import * as roles from './modules/roles/repository.ts';
import { getOrCreateSetting } from './modules/settings/repository.ts';
import * as users from './modules/users/repository.ts';

/** What the first start produced that the operator must see once. */
export interface BootstrapResult {
  jwtSecret: string;
  createdAdmin?: { username: string; password: string; generated: boolean };
}

/**
 * Migrates, restores the permission catalogue and built-in roles, and on an empty database creates
 * the `admin` user. Runs under an advisory lock so replicas starting together do it once.
 */
export async function bootstrap(
  database: Database,
  opts: { adminPassword?: string; logger: Logger },
): Promise<BootstrapResult> {
  const { db } = database;
  // Kysely's migrator serializes concurrent migrators through its own lock table.
  const applied = await migrateToLatest(db);
  if (applied.length > 0) opts.logger.info({ migrations: applied }, 'database migrated');
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(724201)`.execute(trx);
    await roles.syncPermissions(trx, PERMISSIONS);
    for (const [name, def] of Object.entries(BUILTIN_ROLES)) {
      let role = await roles.findRoleByName(trx, name);
      if (!role) {
        await roles.insertRole(trx, {
          id: crypto.randomUUID(),
          name,
          description: def.description,
          builtin: true,
        });
        role = (await roles.findRoleByName(trx, name))!;
      }
      await roles.setRolePermissions(trx, role.id, def.permissions);
    }
    const jwtSecret = await getOrCreateSetting(trx, 'jwt_secret', () =>
      Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString('base64'),
    );
    const result: BootstrapResult = { jwtSecret };
    if ((await users.countUsers(trx)) === 0) {
      const generated = !opts.adminPassword;
      const password = opts.adminPassword ?? randomPassword();
      const id = crypto.randomUUID();
      await users.insertUser(trx, {
        id,
        username: 'admin',
        password_hash: await hashPassword(password),
        email: null,
        display_name: 'Administrator',
        builtin: true,
        updated_at: new Date(),
      });
      const admin = (await roles.findRoleByName(trx, 'admin'))!;
      await users.setUserRoles(trx, id, [admin.id]);
      await auditSuccess(trx, systemActor('users:create'), {
        targetType: 'user',
        targetId: id,
        detail: { username: 'admin', reason: 'first start' },
      });
      result.createdAdmin = { username: 'admin', password, generated };
    }
    return result;
  });
}
