// Opaque NextToken pagination over a list sorted by a string key (see core/pagination.ts).
import { pageAfterKey } from '../core/pagination.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** `sorted` must be in ascending order of `key`. */
export function paginate<T>(
  sorted: T[],
  key: (item: T) => string,
  maxResults: number,
  nextToken: string | undefined,
): Page<T> {
  return pageAfterKey('documents', sorted, key, maxResults, nextToken);
}

/** Zero-padded so version numbers sort as strings. */
export const numberKey = (n: number): string => String(n).padStart(12, '0');
