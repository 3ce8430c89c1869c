import {
  type Expression,
  type Kysely,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
  type Transaction,
} from 'kysely';
import type { Page } from '@paddock/protocol/api/list';
import { invalidField } from '../errors.ts';

/** The query string of every list endpoint, already schema-checked. */
export interface ListParams {
  page?: number;
  pageSize?: number;
  sort?: string;
  q?: string;
  [filter: string]: unknown;
}

/** What a list may be sorted, searched and filtered by; keys are API names, values columns. */
export interface ListSpec {
  sortable: Record<string, string>;
  defaultSort: { field: string; dir: 'asc' | 'desc' };
  /** Columns matched case-insensitively by `q`. */
  searchable: string[];
  /** Equality filters: API name → column. */
  filters: Record<string, string>;
  /**
   * Membership filters on jsonb array columns: API name → column; `?tag=web` keeps rows whose array
   * holds "web" (`@>`, which a GIN index on the column serves).
   */
  arrayFilters?: Record<string, string>;
  /**
   * The searchable columns carry trigram indexes: a search runs its queries with sequential scans
   * disfavoured, since the planner prices ILIKE's per-row cost far too low and scans tables of a few
   * ten thousand rows instead (25,000 VMs: 22 ms scanning, 3 ms through the index, on PostgreSQL).
   * Needs `runList`'s `db`.
   */
  trigramSearch?: boolean;
}

// Trigram indexes cannot narrow a pattern shorter than one trigram.
const MIN_TRIGRAM_QUERY = 3;

// The largest page size is the API's to enforce: ListQuery's schema caps it.
const DEFAULT_PAGE_SIZE = 50;

/** A page of rows and the total matching the filters. */
export type ListResult<R> = Page<R>;

/**
 * Runs a filtered, sorted, paginated list query and its count. Sort fields are checked against the
 * spec here so an unknown one is a 422 naming `sort`, never a SQL error.
 */
export async function runList<DB, TB extends keyof DB, O>(
  base: SelectQueryBuilder<DB, TB, O>,
  spec: ListSpec,
  params: ListParams,
  db?: Kysely<DB> | Transaction<DB>,
): Promise<ListResult<O>> {
  const page = params.page ?? 1;
  const pageSize = params.pageSize ?? DEFAULT_PAGE_SIZE;
  const [field, dir] = parseSort(params.sort, spec);
  let query = base;
  const conditions: Expression<SqlBool>[] = [];
  if (params.q) {
    const pattern = `%${params.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      sql<SqlBool>`(${sql.join(
        spec.searchable.map((col) => sql`${sql.ref(col)}::text ILIKE ${pattern}`),
        sql` OR `,
      )})`,
    );
  }
  for (const [name, column] of Object.entries(spec.filters)) {
    const value = params[name];
    if (value === undefined || value === '') continue;
    conditions.push(sql<SqlBool>`${sql.ref(column)} = ${value}`);
  }
  for (const [name, column] of Object.entries(spec.arrayFilters ?? {})) {
    const value = params[name];
    if (value === undefined || value === '') continue;
    conditions.push(sql<SqlBool>`${sql.ref(column)} @> ${JSON.stringify([value])}::jsonb`);
  }
  for (const condition of conditions) query = query.where(() => condition) as typeof query;
  const countQuery = query
    .clearSelect()
    .select(sql<number>`count(*)`.as('total')) as unknown as SelectQueryBuilder<DB, TB, { total: number }>;
  const column = spec.sortable[field]!;
  const rowsQuery = query
    .orderBy(sql.ref(column), dir)
    .orderBy(sql.ref(spec.sortable.id ?? 'id'), dir)
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  if (spec.trigramSearch && db && !db.isTransaction && (params.q?.length ?? 0) >= MIN_TRIGRAM_QUERY) {
    const [rows, count] = [rowsQuery.compile(), countQuery.compile()];
    return db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const items = (await trx.executeQuery(rows)).rows;
      const total = Number((await trx.executeQuery(count)).rows[0]?.total ?? 0);
      return { items, total, page, pageSize };
    });
  }
  const [items, countRow] = await Promise.all([rowsQuery.execute(), countQuery.executeTakeFirst()]);
  return { items, total: Number(countRow?.total ?? 0), page, pageSize };
}

function parseSort(sort: string | undefined, spec: ListSpec): [string, 'asc' | 'desc'] {
  if (!sort) return [spec.defaultSort.field, spec.defaultSort.dir];
  const [field = '', dir = 'asc'] = sort.split(':');
  // Own keys only: `in` also finds constructor, toString and the rest of Object.prototype.
  if (!Object.hasOwn(spec.sortable, field)) {
    throw invalidField('sort', `cannot sort by "${field}"; one of: ${Object.keys(spec.sortable).join(', ')}`);
  }
  if (dir !== 'asc' && dir !== 'desc') throw invalidField('sort', 'direction must be asc or desc');
  return [field, dir];
}
