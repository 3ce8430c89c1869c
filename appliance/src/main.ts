#!/usr/bin/env bun
import { loadConfig, parseFlags } from './config.ts';
import { adminCommand } from './cli/admin.ts';
import { migrateCommand } from './cli/migrate.ts';
import { serveCommand } from './cli/serve.ts';
import { workerCommand } from './cli/worker.ts';
import { VERSION } from './version.ts';

const USAGE = `paddock ${VERSION} — virtual machine management appliance

Usage:
  paddock serve   [--data DIR] [--port P] [--host H]   API, console, agent hub and worker
  paddock worker  [--metrics-listen HOST:PORT|off]     task worker only (PostgreSQL + Redis);
                                                       /metrics on 127.0.0.1:9465 by default
  paddock migrate [--data DIR]                         bring the database schema up to date
  paddock admin create-user --username U [--password P] [--role R]...
  paddock admin reset-password --username U [--password P]
  paddock version

Environment: PADDOCK_DATA, PADDOCK_PORT, PADDOCK_HOST, DATABASE_URL (PostgreSQL; embedded PGlite
under DATA when unset), REDIS_URL, PADDOCK_ADMIN_PASSWORD (first start), PADDOCK_TLS_CERT/KEY.
Passwords may also come from PADDOCK_PASSWORD instead of --password (kept out of shell history).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(loadConfig(parseFlags(rest)));
    case 'worker':
      return workerCommand(loadConfig(parseFlags(rest)));
    case 'migrate':
      return migrateCommand(loadConfig(parseFlags(rest)));
    case 'admin':
      return adminCommand(rest);
    case 'version':
    case '--version':
      console.log(VERSION);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`paddock: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exit(code);
  },
  (error: unknown) => {
    console.error(`paddock: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
