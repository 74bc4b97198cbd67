// Opaque NextToken pagination by a unique key (see core/pagination.ts), so instances or activations
// added or removed between pages never shift the next page.
import { pageAfterKey, sortedByKey } from '../core/pagination.js';

export function paginate<T>(
  items: T[],
  keyOf: (item: T) => string,
  maxResults: number,
  nextToken: string | undefined,
): { page: T[]; nextToken?: string } {
  const sorted = sortedByKey(items, keyOf);
  const { items: page, nextToken: next } = pageAfterKey('instances', sorted, keyOf, maxResults, nextToken);
  return next === undefined ? { page } : { page, nextToken: next };
}
