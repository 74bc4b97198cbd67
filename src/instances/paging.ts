// Opaque NextToken pagination by a unique key (see core/pagination.ts), so instances or activations
// added or removed between pages never shift the next page. A token is bound to the operation that
// issued it: DescribeActivations refuses DescribeInstanceInformation's, and the other way round.
import { pageAfterKey, sortedByKey } from '../core/pagination.js';

export type PagedOperation = 'DescribeInstanceInformation' | 'DescribeActivations';

export function paginate<T>(
  operation: PagedOperation,
  items: T[],
  keyOf: (item: T) => string,
  maxResults: number,
  nextToken: string | undefined,
): { page: T[]; nextToken?: string } {
  const sorted = sortedByKey(items, keyOf);
  const { items: page, nextToken: next } = pageAfterKey(operation, sorted, keyOf, maxResults, nextToken);
  return next === undefined ? { page } : { page, nextToken: next };
}
