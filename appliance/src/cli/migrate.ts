import type { Config } from '../config.ts';
import { openAppContext } from '../runtime.ts';

/** `paddock migrate`: migrations (and the built-in roles) without serving. */
export async function migrateCommand(config: Config): Promise<number> {
  const { ctx, close } = await openAppContext(config);
  console.log(`database (${ctx.database.kind}, ${ctx.database.location}) is up to date`);
  await close();
  return 0;
}
