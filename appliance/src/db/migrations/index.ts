import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001-initial-schema.ts';
import * as m0002 from './0002-vm-list-indexes.ts';
import * as m0003 from './0003-dashboard-indexes.ts';
import * as m0004 from './0004-vm-tags-index.ts';

/** Migrations are compiled into the binary: an in-code provider instead of a folder on disk. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-initial-schema': m0001,
      '0002-vm-list-indexes': m0002,
      '0003-dashboard-indexes': m0003,
      '0004-vm-tags-index': m0004,
    };
  },
};
