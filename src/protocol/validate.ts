// Input validation interpreted from the service model: required members, types, enums, lengths,
// ranges and patterns, reported with AWS's own wording ("1 validation error detected: Value
// 'x' at 'name' failed to satisfy constraint: ..."), at most ten at a time. A value of the wrong
// JSON type is a SerializationException, as the real service's deserializer answers.
// Returns a normalised copy of the input: timestamps become Date, blobs Uint8Array.
import { errors } from './errors.js';
import { shape as lookupShape, type Operation, type Shape } from './model.js';

const MAX_REPORTED = 10;
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

function memberPathName(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function render(value: unknown, top = true): string {
  let text: string;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else if (Array.isArray(value)) {
    text = `[${value.map((v) => render(v, false)).join(', ')}]`;
  } else if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${render(v, false)}`)
      .join(', ');
    text = `{${inner}}`;
  } else {
    text = String(value);
  }
  return top ? `'${text}'` : text;
}

/**
 * The order AWS prints an enum's values in its validation message. The recorded SSM message for
 * ParameterType reads [SecureString, StringList, String]: the model's order reversed.
 */
function enumDisplay(values: string[]): string {
  return `[${[...values].reverse().join(', ')}]`;
}

interface Walk {
  violations: string[];
}

function violation(walk: Walk, value: unknown, path: string, constraint: string): void {
  walk.violations.push(`Value ${render(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
}

function typeName(value: unknown): string {
  if (value === null) return 'NULL_VALUE';
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object') return 'START_OBJECT';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE';
  if (typeof value === 'number') return Number.isInteger(value) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
  return 'UNKNOWN';
}

function wrongType(value: unknown, expected: string): never {
  throw errors.serialization(`Unexpected ${typeName(value)} where ${expected} was expected.`);
}

function checkLength(walk: Walk, value: unknown, length: number, s: Shape, path: string): void {
  if (s.min !== undefined && length < s.min) {
    violation(walk, value, path, `Member must have length greater than or equal to ${s.min}`);
  }
  if (s.max !== undefined && length > s.max) {
    violation(walk, value, path, `Member must have length less than or equal to ${s.max}`);
  }
}

function normalise(shapeName: string, value: unknown, path: string, walk: Walk): unknown {
  const s = lookupShape(shapeName);
  if (value === null) return undefined;
  switch (s.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) wrongType(value, 'a structure');
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [member, ref] of Object.entries(s.members ?? {})) {
        const childPath = path ? `${path}.${memberPathName(member)}` : memberPathName(member);
        const raw = input[member];
        if (raw === undefined || raw === null) {
          if (s.required?.includes(member)) violation(walk, null, childPath, 'Member must not be null');
          continue;
        }
        out[member] = normalise(ref.shape, raw, childPath, walk);
      }
      return out;
    }
    case 'list': {
      if (!Array.isArray(value)) wrongType(value, 'a list');
      checkLength(walk, value, value.length, s, path);
      return value.map((item, i) => normalise(s.member!.shape, item, `${path}.${i + 1}.member`, walk));
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) wrongType(value, 'a map');
      const entries = Object.entries(value as Record<string, unknown>);
      checkLength(walk, value, entries.length, s, path);
      const out: Record<string, unknown> = {};
      for (const [k, v] of entries) {
        normalise(s.key!.shape, k, `${path}.key`, walk);
        out[k] = normalise(s.value!.shape, v, `${path}.${k}.member`, walk);
      }
      return out;
    }
    case 'string': {
      if (typeof value !== 'string') wrongType(value, 'a string');
      checkLength(walk, value, value.length, s, path);
      if (s.pattern !== undefined) {
        const re = compileJavaPattern(s.pattern);
        if (re && !re.test(value)) {
          violation(walk, value, path, `Member must satisfy regular expression pattern: ${s.pattern}`);
        }
      }
      if (s.enum && !s.enum.includes(value)) {
        violation(walk, value, path, `Member must satisfy enum value set: ${enumDisplay(s.enum)}`);
      }
      return value;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) wrongType(value, 'an integer');
      if (s.min !== undefined && value < s.min) {
        violation(walk, value, path, `Member must have value greater than or equal to ${s.min}`);
      }
      if (s.max !== undefined && value > s.max) {
        violation(walk, value, path, `Member must have value less than or equal to ${s.max}`);
      }
      return value;
    }
    case 'double':
    case 'float': {
      if (typeof value !== 'number') wrongType(value, 'a number');
      return value;
    }
    case 'boolean': {
      if (typeof value !== 'boolean') wrongType(value, 'a boolean');
      return value;
    }
    case 'timestamp': {
      let date: Date;
      if (typeof value === 'number') date = new Date(value * 1000);
      else if (typeof value === 'string') date = new Date(value);
      else wrongType(value, 'a timestamp');
      if (Number.isNaN(date.getTime()))
        throw errors.serialization(`Unable to parse timestamp ${String(value)}.`);
      return date;
    }
    case 'blob': {
      if (typeof value !== 'string') wrongType(value, 'a base64 string');
      return new Uint8Array(Buffer.from(value, 'base64'));
    }
  }
}

export function formatViolations(violations: string[]): string {
  const shown = violations.slice(0, MAX_REPORTED);
  const head =
    shown.length === 1 ? '1 validation error detected' : `${shown.length} validation errors detected`;
  return `${head}: ${shown.join('; ')}`;
}

export function validateInput(operation: Operation, input: unknown): Record<string, unknown> {
  if (!operation.input) return {};
  const walk: Walk = { violations: [] };
  const out = normalise(operation.input.shape, input ?? {}, '', walk) as Record<string, unknown>;
  if (walk.violations.length > 0) throw errors.validation(formatViolations(walk.violations));
  return out;
}
