// Opaque NextToken pagination over a list sorted by a unique key: the token names the last key
// served, so instances or activations added or removed between pages never shift the next page.
import { errors } from '../protocol/errors.js';

export function paginate<T>(
  items: T[],
  keyOf: (item: T) => string,
  maxResults: number,
  nextToken: string | undefined,
): { page: T[]; nextToken?: string } {
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  let start = 0;
  if (nextToken !== undefined) {
    const after = decode(nextToken);
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = sorted.length;
  }
  const page = sorted.slice(start, start + maxResults);
  const last = page[page.length - 1];
  return start + maxResults < sorted.length && last !== undefined
    ? { page, nextToken: encode(keyOf(last)) }
    : { page };
}

function encode(after: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after }), 'utf8').toString('base64url');
}

function decode(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: unknown;
      after?: unknown;
    };
    if (parsed.v === 1 && typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw errors.invalidNextToken();
}
