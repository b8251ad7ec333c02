// limit/marker paging as Nova does it: a full page always carries a `next` link, an unknown marker is a 400.
import { badRequest } from './api-error.js';

export const MAX_LIMIT = 1000;

export interface Page<T> {
  items: T[];
  /** Query string (without `?`) for the next page, when this page is full. */
  nextQuery: string | undefined;
}

export function paginate<T>(all: readonly T[], query: URLSearchParams, idOf: (item: T) => string): Page<T> {
  let limit = MAX_LIMIT;
  const rawLimit = query.get('limit');
  if (rawLimit !== null) {
    if (!/^-?\d+$/.test(rawLimit)) throw badRequest('limit param must be an integer');
    limit = Number(rawLimit);
    if (limit < 0) throw badRequest('limit param must be positive');
    limit = Math.min(limit, MAX_LIMIT);
  }
  let start = 0;
  const marker = query.get('marker');
  if (marker !== null) {
    const idx = all.findIndex((x) => idOf(x) === marker);
    if (idx < 0) throw badRequest(`marker [${marker}] not found`);
    start = idx + 1;
  }
  const items = all.slice(start, start + limit);
  const last = items[items.length - 1];
  let nextQuery: string | undefined;
  if (limit > 0 && items.length === limit && last !== undefined) {
    const q = new URLSearchParams(query);
    q.set('limit', String(limit));
    q.set('marker', idOf(last));
    nextQuery = q.toString();
  }
  return { items, nextQuery };
}
