import { type Kysely, sql } from 'kysely';

/**
 * Indexes for GET /api/dashboard: the newest failures and the count of unfinished tasks read a
 * small partial index instead of scanning a task table that only grows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX tasks_failed_idx ON tasks (finished_at, id) WHERE status = 'failed'`.execute(db);
  await sql`CREATE INDEX tasks_active_idx ON tasks (status) WHERE status IN ('queued', 'running')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS tasks_active_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS tasks_failed_idx`.execute(db);
}
