// Opaque NextToken pagination over a list sorted by a string key: the token carries the key of the
// last item returned, so items added or removed between pages do not shift what comes next.
import { errors } from '../protocol/errors.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

function decode(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { after?: unknown }).after === 'string'
    ) {
      return (parsed as { after: string }).after;
    }
  } catch {
    // fall through to the error below
  }
  throw errors.invalidNextToken();
}

/** `sorted` must be in ascending order of `key`. */
export function paginate<T>(
  sorted: T[],
  key: (item: T) => string,
  maxResults: number,
  nextToken: string | undefined,
): Page<T> {
  let start = 0;
  if (nextToken !== undefined) {
    const after = decode(nextToken);
    start = sorted.findIndex((item) => key(item) > after);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + maxResults);
  const last = items[items.length - 1];
  if (start + maxResults < sorted.length && last !== undefined) {
    return { items, nextToken: Buffer.from(JSON.stringify({ after: key(last) })).toString('base64url') };
  }
  return { items };
}

/** Zero-padded so version numbers sort as strings. */
export const numberKey = (n: number): string => String(n).padStart(12, '0');
