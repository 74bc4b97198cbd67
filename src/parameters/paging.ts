// One page of rows in name order, resuming after the name a NextToken carries.
import { pageAfterKey, sortedByKey } from '../core/pagination.js';

export interface NamedRow<T> {
  sortName: string;
  view: () => T;
}

export function pageByName<T>(
  operation: string,
  rows: NamedRow<T>[],
  nextToken: string | undefined,
  maxResults: number,
): { items: T[]; nextToken?: string } {
  const sorted = sortedByKey(rows, (row) => row.sortName);
  const page = pageAfterKey(operation, sorted, (row) => row.sortName, maxResults, nextToken);
  return {
    items: page.items.map((row) => row.view()),
    ...(page.nextToken ? { nextToken: page.nextToken } : {}),
  };
}
