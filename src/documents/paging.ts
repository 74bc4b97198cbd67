// Opaque NextToken pagination over a list sorted by a string key (see core/pagination.ts). Each token
// carries the operation that issued it, so a token from one listing is InvalidNextToken in another,
// as AWS answers.
import { pageAfterKey } from '../core/pagination.js';

export type PagedOperation =
  'ListDocuments' | 'ListDocumentVersions' | 'ListDocumentMetadataHistory' | 'DescribeDocumentPermission';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** `sorted` must be in ascending order of `key`. */
export function paginate<T>(
  operation: PagedOperation,
  sorted: T[],
  key: (item: T) => string,
  maxResults: number,
  nextToken: string | undefined,
): Page<T> {
  return pageAfterKey(operation, sorted, key, maxResults, nextToken);
}

/** Zero-padded so version numbers sort as strings. */
export const numberKey = (n: number): string => String(n).padStart(12, '0');
