import { type Kysely, sql } from 'kysely';

/**
 * `GET /api/vms?tag=` asks `tags @> '["web"]'`: a GIN index with `jsonb_path_ops` (smaller and
 * faster than the default opclass; containment is the only operator the list uses) answers it
 * without scanning 25,000 rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX vms_tags_idx ON vms USING gin (tags jsonb_path_ops)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS vms_tags_idx`.execute(db);
}
