import type { Params } from '@angular/router';
import type { VmListParams } from '../../../core/api/vms.api';

/** The list's state as it lives in the URL (`/vms?status=running&page=2`): links and reloads keep it. */
export interface VmListQuery {
  page: number;
  pageSize: number;
  /** `field:asc|desc`, one of SORT_FIELDS; absent = the API's default (name ascending). */
  sort?: string;
  status?: string;
  nodeId?: string;
  tag?: string;
  q?: string;
  managed?: boolean;
}

export const PAGE_SIZES = [20, 50, 100];
export const DEFAULT_PAGE_SIZE = 20;
export const SORT_FIELDS = ['name', 'status', 'createdAt'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export const VM_STATUSES = [
  'running',
  'stopped',
  'paused',
  'starting',
  'stopping',
  'creating',
  'migrating',
  'deleting',
  'error',
  'unknown',
] as const;

const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;

const positive = (value: unknown, fallback: number, max: number): number => {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
};

/** Reads the URL's query; whatever a hand-edited URL got wrong falls back to the default. */
export function parseQuery(params: Params): VmListQuery {
  const sort = text(params['sort'], 32);
  const [field, dir] = (sort ?? '').split(':');
  const managed = params['managed'];
  return {
    page: positive(params['page'], 1, 1_000_000),
    pageSize: PAGE_SIZES.includes(Number(params['pageSize']))
      ? Number(params['pageSize'])
      : DEFAULT_PAGE_SIZE,
    sort: SORT_FIELDS.includes(field as SortField) && (dir === 'asc' || dir === 'desc') ? sort : undefined,
    status: (VM_STATUSES as readonly string[]).includes(params['status']) ? params['status'] : undefined,
    nodeId: text(params['nodeId'], 64),
    tag: text(params['tag'], 64),
    q: text(params['q'], 200),
    managed: managed === 'true' ? true : managed === 'false' ? false : undefined,
  };
}

/** The URL's query for a state: defaults are left out so links stay short. */
export function toQueryParams(query: VmListQuery): Params {
  return {
    page: query.page > 1 ? query.page : undefined,
    pageSize: query.pageSize !== DEFAULT_PAGE_SIZE ? query.pageSize : undefined,
    sort: query.sort,
    status: query.status,
    nodeId: query.nodeId,
    tag: query.tag,
    q: query.q,
    managed: query.managed === undefined ? undefined : String(query.managed),
  };
}

/** The API call for a state. */
export function toApiParams(query: VmListQuery): VmListParams {
  return {
    page: query.page,
    pageSize: query.pageSize,
    sort: query.sort,
    status: query.status,
    nodeId: query.nodeId,
    tag: query.tag,
    q: query.q,
    managed: query.managed,
  };
}

/** ng-zorro's sort order of a column under this state. */
export function sortOrderOf(query: VmListQuery, field: SortField): 'ascend' | 'descend' | null {
  const [current, dir] = (query.sort ?? 'name:asc').split(':');
  if (current !== field) return null;
  return dir === 'desc' ? 'descend' : 'ascend';
}
