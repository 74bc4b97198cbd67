// Regular expressions that users supply (a parameter's AllowedPattern, a document parameter's
// allowedPattern): the whole value must match, as Java's String.matches runs them on AWS. They are
// compiled with RE2 (re2js, a pure-JavaScript port of Google's RE2) rather than JavaScript's
// backtracking engine, so matching takes linear time and no pattern, however written, can hang the
// server. RE2 has no lookaround and no backreferences: a pattern that needs them does not compile,
// and the capability refuses it when it is stored. (The service model's own fixed patterns run on
// protocol/validate.ts's compileJavaPattern instead.)
import { RE2JS } from 're2js';

export interface UserPattern {
  /** True when the whole value matches (Java's String.matches). */
  matches(value: string): boolean;
}

/** Patterns are compiled once; the cache forgets the oldest when it is full. */
const MAX_CACHED = 1000;
const cache = new Map<string, UserPattern | null>();

/** The compiled pattern, or undefined when RE2 cannot run it (bad syntax, lookaround, backreferences). */
export function compileUserPattern(pattern: string): UserPattern | undefined {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached ?? undefined;
  let compiled: UserPattern | null;
  try {
    compiled = RE2JS.compile(pattern);
  } catch {
    compiled = null;
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled ?? undefined;
}
