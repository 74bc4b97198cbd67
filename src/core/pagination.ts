// Opaque NextToken strings: the position to resume from, as base64url JSON tagged with the operation
// that issued it. A token that does not decode, or that another operation issued, is refused with the
// error the caller names (InvalidNextToken unless said otherwise).
import { errors, type SsmError } from '../protocol/errors.js';

interface TokenBody<T> {
  op: string;
  at: T;
}

export function encodeNextToken<T>(operation: string, position: T): string {
  const body: TokenBody<T> = { op: operation, at: position };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/**
 * The position a token carries, undefined when there is no token. `isPosition` checks the decoded
 * value's shape, so a forged or truncated token fails cleanly instead of reaching the caller.
 */
export function decodeNextToken<T>(
  operation: string,
  token: string | undefined,
  isPosition: (value: unknown) => value is T,
  invalid: () => SsmError = () => errors.invalidNextToken(),
): T | undefined {
  if (token === undefined) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof body !== 'object' || body === null) throw invalid();
  const { op, at } = body as Partial<TokenBody<unknown>>;
  if (op !== operation || !isPosition(at)) throw invalid();
  return at;
}

/** Type guards for the common positions. */
export const isString = (value: unknown): value is string => typeof value === 'string';
export const isIndex = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * One page of a list sorted ascending by a unique string key, resuming after the key a NextToken
 * carries, so items added or removed between pages never shift what comes next.
 */
export function pageAfterKey<T>(
  operation: string,
  sorted: T[],
  keyOf: (item: T) => string,
  maxResults: number,
  nextToken: string | undefined,
): { items: T[]; nextToken?: string } {
  const after = decodeNextToken(operation, nextToken, isString);
  let start = 0;
  if (after !== undefined) {
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + maxResults);
  const last = items[items.length - 1];
  return start + maxResults < sorted.length && last !== undefined
    ? { items, nextToken: encodeNextToken(operation, keyOf(last)) }
    : { items };
}

/** A copy of items in ascending code-unit order of their key (the order pageAfterKey resumes in). */
export function sortedByKey<T>(items: T[], keyOf: (item: T) => string): T[] {
  return [...items].sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
