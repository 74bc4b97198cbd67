// One page of rows in name order, resuming after the name a NextToken carries.
import { decodeNextToken, encodeNextToken, isString } from '../core/pagination.js';

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
  const after = decodeNextToken(operation, nextToken, isString);
  rows.sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0));
  const start = after === undefined ? 0 : rows.findIndex((row) => row.sortName > after);
  const page = start < 0 ? [] : rows.slice(start, start + maxResults);
  const last = page[page.length - 1];
  const more = last !== undefined && rows[rows.length - 1] !== last;
  return {
    items: page.map((row) => row.view()),
    ...(more ? { nextToken: encodeNextToken(operation, last.sortName) } : {}),
  };
}
