import { type Kysely, sql } from 'kysely';

/**
 * Indexes for the VM list at fleet scale (25,000 VMs, bench/vm-list-25k.ts): each sortable or
 * filtered shape of GET /api/vms reads an index in order instead of sorting every row, and the
 * name/description search uses trigram indexes instead of scanning.
 */
const orderIndexes = [
  // The default sort (name, then id as tie-breaker); vms_name_key is on lower(name) for uniqueness.
  `CREATE INDEX vms_name_idx ON vms (name, id)`,
  `CREATE INDEX vms_node_name_idx ON vms (node_id, name, id)`,
  `CREATE INDEX vms_status_name_idx ON vms (status, name, id)`,
  `CREATE INDEX vms_status_created_idx ON vms (status, created_at, id)`,
];

// pg_trgm is a trusted extension (the database owner may create it) shipped with PostgreSQL's
// contrib and embedded for PGlite; where a server lacks it, search still works, by scanning.
const searchIndexes = [
  `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
  `CREATE INDEX vms_name_trgm_idx ON vms USING gin (name gin_trgm_ops)`,
  `CREATE INDEX vms_description_trgm_idx ON vms USING gin (description gin_trgm_ops)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of orderIndexes) await sql.raw(statement).execute(db);
  const { rows } = await sql<{ available: boolean }>`
    SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') AS available`.execute(db);
  if (rows[0]?.available) for (const statement of searchIndexes) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    'vms_description_trgm_idx',
    'vms_name_trgm_idx',
    'vms_status_created_idx',
    'vms_status_name_idx',
    'vms_node_name_idx',
    'vms_name_idx',
  ])
    await sql.raw(`DROP INDEX IF EXISTS ${name}`).execute(db);
}
