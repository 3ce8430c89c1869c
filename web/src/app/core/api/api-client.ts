import { HttpClient, type HttpContext, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Page } from '@paddock/protocol/api/list';
import { firstValueFrom } from 'rxjs';

/** A query string value; `undefined` and empty strings are left out. */
export type QueryValue = string | number | boolean | undefined | null;
export type Query = Record<string, QueryValue>;

/** The list query every `GET /api/<area>` takes, plus that list's own equality filters. */
export interface ListParams {
  page?: number;
  pageSize?: number;
  /** `field:asc|desc`. */
  sort?: string;
  q?: string;
}

export type { Page };

/** Options a service may pass through (e.g. `SILENT_ERRORS` when the page reports errors itself). */
export interface CallOptions {
  context?: HttpContext;
}

/**
 * The only class that calls HttpClient for the API: promises (one answer per call), query strings
 * without empty values. The interceptor adds the base URL, the token and error reporting.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  private readonly http = inject(HttpClient);

  get<T>(path: string, query?: Query, options?: CallOptions): Promise<T> {
    return firstValueFrom(this.http.get<T>(path, { params: toParams(query), context: options?.context }));
  }

  list<T>(path: string, query?: Query, options?: CallOptions): Promise<Page<T>> {
    return this.get<Page<T>>(path, query, options);
  }

  post<T>(path: string, body?: unknown, query?: Query, options?: CallOptions): Promise<T> {
    return firstValueFrom(
      this.http.post<T>(path, body ?? {}, { params: toParams(query), context: options?.context }),
    );
  }

  put<T>(path: string, body: unknown, options?: CallOptions): Promise<T> {
    return firstValueFrom(this.http.put<T>(path, body, { context: options?.context }));
  }

  patch<T>(path: string, body: unknown, options?: CallOptions): Promise<T> {
    return firstValueFrom(this.http.patch<T>(path, body, { context: options?.context }));
  }

  delete<T>(path: string, query?: Query, options?: CallOptions): Promise<T> {
    return firstValueFrom(this.http.delete<T>(path, { params: toParams(query), context: options?.context }));
  }
}

/** `?a=1&b=x`, leaving out undefined, null and empty strings. */
export function toParams(query: Query | undefined): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params = params.set(key, String(value));
  }
  return params;
}

/** `/api/vms/<id>` with the id encoded, so an id can never change the path. */
export function pathOf(...parts: string[]): string {
  return parts.map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join('/');
}
