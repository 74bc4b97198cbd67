// The pieces of a validation message: the constraints of one shape (in the order AWS lists them in
// brackets), which of them a value breaks, how a value is rendered (Java's toString), and which
// shapes are sensitive (never echoed). validate.ts walks the input and uses these; its header says
// where each rule comes from.
import { shape as lookupShape, type Shape } from './model.js';

const patternCache = new Map<string, RegExp | null>();

/** Java's String.matches semantics: the whole value must match. Unconvertible patterns are skipped. */
export function compileJavaPattern(pattern: string): RegExp | null {
  if (patternCache.has(pattern)) return patternCache.get(pattern) ?? null;
  let source = pattern;
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags += 'i';
  }
  if (source.includes('\\p{')) flags += 'u';
  let compiled: RegExp | null;
  try {
    compiled = new RegExp(`^(?:${source})$`, flags);
  } catch {
    compiled = null;
  }
  patternCache.set(pattern, compiled);
  return compiled;
}

export function memberPathName(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function enumDisplay(values: string[]): string {
  return `[${[...values].reverse().join(', ')}]`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface Violation {
  path: string;
  /** The JSON value as sent (null for a missing member), rendered only when the message is written. */
  value: unknown;
  /** The shape that value belongs to, for rendering structures and blobs. */
  shape: string;
  /** Sensitive: the message leaves the value out. */
  hidden: boolean;
  constraint: string;
}

export type Walk = Violation[];

// ---- Sensitive shapes ----

const sensitiveCache = new Map<string, boolean>();

/** Whether a value of this shape can hold a sensitive value anywhere inside it. */
export function containsSensitive(name: string): boolean {
  const known = sensitiveCache.get(name);
  if (known !== undefined) return known;
  const seen = new Set<string>();
  const search = (n: string): boolean => {
    if (seen.has(n)) return false;
    seen.add(n);
    const s = lookupShape(n);
    if (s.sensitive) return true;
    const refs = [
      ...Object.values(s.members ?? {}),
      ...(s.member ? [s.member] : []),
      ...(s.key ? [s.key] : []),
      ...(s.value ? [s.value] : []),
    ];
    return refs.some((ref) => search(ref.shape));
  };
  const found = search(name);
  sensitiveCache.set(name, found);
  return found;
}

// ---- Rendering, as Java's toString writes the deserialized value ----

export function blobLength(value: string): number {
  return Buffer.from(value, 'base64').length;
}

export function render(name: string | undefined, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const s = name === undefined ? undefined : lookupShape(name);
  if (Array.isArray(value)) return `[${value.map((v) => render(s?.member?.shape, v)).join(', ')}]`;
  if (isObject(value)) {
    if (s?.type === 'structure' && name !== undefined) {
      const members = Object.entries(s.members ?? {}).map(
        ([member, ref]) =>
          `${memberPathName(member)}=${render(ref.shape, Object.hasOwn(value, member) ? value[member] : null)}`,
      );
      return `${name}(${members.join(', ')})`;
    }
    const entries = Object.entries(value).map(([k, v]) => `${k}=${render(s?.value?.shape, v)}`);
    return `{${entries.join(', ')}}`;
  }
  if (s?.type === 'blob' && typeof value === 'string') {
    const n = blobLength(value);
    return `java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]`;
  }
  return String(value);
}

export function format(v: Violation): string {
  let shown = '';
  if (!v.hidden) shown = v.value === null ? 'null ' : `'${render(v.shape, v.value)}' `;
  return `Value ${shown}at '${v.path}' failed to satisfy constraint: ${v.constraint}`;
}

// ---- Constraints of one shape ----

const lengthMax = (n: number) => `Member must have length less than or equal to ${n}`;
const lengthMin = (n: number) => `Member must have length greater than or equal to ${n}`;
const valueMax = (n: number) => `Member must have value less than or equal to ${n}`;
const valueMin = (n: number) => `Member must have value greater than or equal to ${n}`;
const patternRule = (p: string) => `Member must satisfy regular expression pattern: ${p}`;
const enumRule = (values: string[]) => `Member must satisfy enum value set: ${enumDisplay(values)}`;
export const NOT_NULL = 'Member must not be null';

export function isLengthed(s: Shape): boolean {
  return s.type === 'string' || s.type === 'blob' || s.type === 'list' || s.type === 'map';
}

export function isNumeric(s: Shape): boolean {
  return s.type === 'integer' || s.type === 'long' || s.type === 'double' || s.type === 'float';
}

/** Every constraint of the shape, in the order AWS lists them inside brackets. */
export function constraintsOf(s: Shape): string[] {
  const out: string[] = [];
  if (isLengthed(s)) {
    if (s.max !== undefined) out.push(lengthMax(s.max));
    if (s.min !== undefined) out.push(lengthMin(s.min));
  } else if (isNumeric(s)) {
    if (s.max !== undefined) out.push(valueMax(s.max));
    if (s.min !== undefined) out.push(valueMin(s.min));
  }
  if (s.type === 'string') {
    if (s.pattern !== undefined) out.push(patternRule(s.pattern));
    if (s.enum) out.push(enumRule(s.enum));
  }
  return out;
}

/** The constraints a type-checked value breaks, each reported on its own when the value stands alone. */
export function brokenBy(s: Shape, value: unknown): string[] {
  const out: string[] = [];
  let length: number | undefined;
  if (typeof value === 'string') length = s.type === 'blob' ? blobLength(value) : value.length;
  else if (Array.isArray(value)) length = value.length;
  else if (isObject(value)) length = Object.keys(value).length;
  if (length !== undefined && isLengthed(s)) {
    if (s.min !== undefined && length < s.min) out.push(lengthMin(s.min));
    if (s.max !== undefined && length > s.max) out.push(lengthMax(s.max));
  }
  if (s.type === 'string' && typeof value === 'string') {
    if (s.pattern !== undefined) {
      const re = compileJavaPattern(s.pattern);
      if (re && !re.test(value)) out.push(patternRule(s.pattern));
    }
    if (s.enum && !s.enum.includes(value)) out.push(enumRule(s.enum));
  }
  if (isNumeric(s) && typeof value === 'number') {
    if (s.min !== undefined && value < s.min) out.push(valueMin(s.min));
    if (s.max !== undefined && value > s.max) out.push(valueMax(s.max));
  }
  return out;
}

export function bracket(head: string, member: Shape, hasNull: boolean): string {
  const rules = constraintsOf(member);
  if (hasNull) rules.push(NOT_NULL);
  return `${head} must satisfy constraint: [${rules.join(', ')}]`;
}
