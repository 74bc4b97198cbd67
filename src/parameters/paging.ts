// One page of rows in name order, resuming after the name a NextToken carries: the answer of
// GetParametersByPath and DescribeParameters (both page 10 at a time unless MaxResults says).
import { pageAfterKey, sortedByKey } from '../core/pagination.js';

const DEFAULT_MAX_RESULTS = 10;

export interface NamedRow<T> {
  sortName: string;
  view: () => T;
}

export function parametersPage<T>(
  operation: string,
  rows: NamedRow<T>[],
  request: { NextToken?: string; MaxResults?: number },
): { Parameters: T[]; NextToken?: string } {
  const sorted = sortedByKey(rows, (row) => row.sortName);
  const maxResults = request.MaxResults ?? DEFAULT_MAX_RESULTS;
  const page = pageAfterKey(operation, sorted, (row) => row.sortName, maxResults, request.NextToken);
  return {
    Parameters: page.items.map((row) => row.view()),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}
