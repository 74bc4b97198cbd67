// Binding a document's parameters as SSM binds them: undeclared names and missing required ones are
// refused, values are checked against type, allowedValues, allowedPattern and the min/max limits,
// `{{ssm:name}}` Parameter Store references are resolved, defaults fill the rest; then `{{ name }}`
// references in the steps' inputs are replaced.
import type { RequestContext } from '../core/capability.js';
import { compileUserPattern } from '../core/patterns.js';
import { PARAMETERS } from '../parameters/api.js';
import type { SsmError } from '../protocol/errors.js';
import type { ParameterDeclaration } from './content.js';
import { documentErrors } from './errors.js';

const REF = /\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g;
const WHOLE_REF = /^\{\{\s*([a-zA-Z0-9_]+)\s*\}\}$/;
/** A Parameter Store reference, `{{ssm:name}}` (the name may carry :version or :label). */
const SSM_REF = /\{\{\s*ssm:([^{}]*?)\s*\}\}/g;

/** AWS's answer when a supplied parameter is not declared or not among the allowed values. */
const NOT_SUPPORTED = 'Parameters provided in document are invalid or not supported.';

export type Values = Map<string, unknown>;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function invalid(message: string): SsmError {
  return documentErrors.invalidParameters(message);
}

function single(name: string, type: string, raw: string[]): string {
  if (raw.length !== 1) {
    throw invalid(
      `Parameter "${name}" is of type ${type} and takes exactly one value, but ${raw.length} were given.`,
    );
  }
  return raw[0]!;
}

function parseJson(name: string, text: string, type: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid(`Parameter "${name}" has value "${text}" which is not a valid ${type}.`);
  }
}

/** A supplied value (SendCommand gives every parameter as a list of strings) in the declared type. */
function typed(name: string, declaration: ParameterDeclaration, raw: string[]): unknown {
  const type = declaration.type;
  if (type === 'StringList' || type.startsWith('List<')) return raw;
  if (type === 'Integer') {
    const text = single(name, type, raw);
    if (!/^-?\d+$/.test(text))
      throw invalid(`Parameter "${name}" has value "${text}" which is not a valid Integer.`);
    return Number(text);
  }
  if (type === 'Boolean') {
    const text = single(name, type, raw).toLowerCase();
    if (text !== 'true' && text !== 'false') {
      throw invalid(`Parameter "${name}" has value "${raw[0]!}" which is not a valid Boolean.`);
    }
    return text === 'true';
  }
  if (type === 'StringMap') {
    const value = parseJson(name, single(name, type, raw), type);
    if (!isObject(value))
      throw invalid(`Parameter "${name}" has value "${raw[0]!}" which is not a valid StringMap.`);
    return value;
  }
  if (type === 'MapList') {
    const first = raw.length === 1 ? parseJson(name, raw[0]!, type) : undefined;
    const list = Array.isArray(first) ? first : raw.map((item) => parseJson(name, item, type));
    if (!list.every(isObject)) throw invalid(`Parameter "${name}" has a value which is not a valid MapList.`);
    return list;
  }
  return single(name, type, raw);
}

/** A declared default in the declared type (YAML and JSON defaults may be written loosely). */
function typedDefault(name: string, declaration: ParameterDeclaration): unknown {
  const value = declaration.default;
  switch (declaration.type) {
    case 'String':
      return typeof value === 'string' ? value : String(value);
    case 'Integer':
      return typeof value === 'number' ? value : Number(value);
    case 'Boolean':
      return typeof value === 'boolean' ? value : value === 'true';
    case 'StringMap':
    case 'MapList':
      return typeof value === 'string' ? parseJson(name, value, declaration.type) : structuredClone(value);
    default:
      return structuredClone(value);
  }
}

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return typeof value === 'string' ? [value] : [String(value)];
}

function check(name: string, declaration: ParameterDeclaration, value: unknown): void {
  const isList = Array.isArray(value);
  const items = isList ? value.length : 1;
  if (declaration.minItems !== undefined && isList && items < declaration.minItems) {
    throw invalid(`Parameter "${name}" has ${items} values, but requires at least ${declaration.minItems}.`);
  }
  if (declaration.maxItems !== undefined && isList && items > declaration.maxItems) {
    throw invalid(`Parameter "${name}" has ${items} values, but allows at most ${declaration.maxItems}.`);
  }
  if (isObject(value) || (isList && value.some(isObject))) return;
  for (const text of strings(value)) {
    if (declaration.allowedValues && !declaration.allowedValues.map((v) => String(v)).includes(text)) {
      throw invalid(NOT_SUPPORTED);
    }
    if (declaration.allowedPattern !== undefined) {
      // On RE2, so a user's pattern cannot hang the server. One RE2 cannot run was refused when the
      // document was stored; a document read from an instance's file is not checked against it.
      const pattern = compileUserPattern(declaration.allowedPattern);
      if (pattern && !pattern.matches(text)) {
        throw invalid(
          `Parameter "${name}" has value "${text}" not matching "${declaration.allowedPattern}".`,
        );
      }
    }
    if (declaration.minChars !== undefined && text.length < declaration.minChars) {
      throw invalid(
        `Parameter "${name}" has value "${text}" shorter than the minimum of ${declaration.minChars} characters.`,
      );
    }
    if (declaration.maxChars !== undefined && text.length > declaration.maxChars) {
      throw invalid(
        `Parameter "${name}" has a value longer than the maximum of ${declaration.maxChars} characters.`,
      );
    }
  }
}

/**
 * Replaces the `{{ssm:name}}` references in a document parameter's value with the Parameter Store
 * values they name, as SSM does when a command is sent. SecureString parameters cannot be referenced
 * from documents (AWS: "SSM documents currently don't support references to Secure String
 * parameters"). The messages are ssm-local's: AWS's words are not known.
 */
function resolveParameterStoreReferences(ctx: RequestContext, name: string, text: string): string {
  return text.replace(SSM_REF, (_match, reference: string) => {
    const reader = ctx.services.registry.find(PARAMETERS);
    const found = reader?.read(ctx, reference.trim());
    if (!found) {
      throw invalid(
        `Parameter "${name}" refers to the Parameter Store parameter "${reference.trim()}", which does not exist.`,
      );
    }
    if (found.type === 'SecureString') {
      throw invalid(
        `Parameter "${name}" refers to the SecureString parameter "${reference.trim()}": documents can't reference SecureString parameters.`,
      );
    }
    return found.value;
  });
}

/** A supplied value or a default with its `{{ssm:name}}` references resolved. */
function withReferences(ctx: RequestContext, name: string, value: unknown): unknown {
  if (typeof value === 'string') return resolveParameterStoreReferences(ctx, name, value);
  if (Array.isArray(value)) return value.map((item) => withReferences(ctx, name, item));
  return value;
}

export function bindParameters(
  ctx: RequestContext,
  declared: Map<string, ParameterDeclaration>,
  supplied: Record<string, string[]>,
): Values {
  for (const name of Object.keys(supplied)) {
    if (!declared.has(name)) throw invalid(NOT_SUPPORTED);
  }
  const values: Values = new Map();
  for (const [name, declaration] of declared) {
    const raw = supplied[name];
    let value: unknown;
    if (raw !== undefined && (raw.length > 0 || declaration.type === 'StringList')) {
      value = typed(name, declaration, withReferences(ctx, name, raw) as string[]);
      check(name, declaration, value);
    } else if (declaration.default !== undefined && declaration.default !== null) {
      const resolved = { ...declaration, default: withReferences(ctx, name, declaration.default) };
      value = typedDefault(name, resolved);
    } else {
      throw invalid(`Parameter "${name}" is required but was not provided.`);
    }
    values.set(name, value);
  }
  return values;
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Replaces `{{ name }}` references to bound parameters; other text is left as written. */
export function interpolate(value: unknown, values: Values): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_REF.exec(value);
    if (whole && values.has(whole[1]!)) return structuredClone(values.get(whole[1]!));
    return value.replace(REF, (match, name: string) => (values.has(name) ? asText(values.get(name)) : match));
  }
  if (Array.isArray(value)) {
    return value.flatMap((item): unknown[] => {
      const whole = typeof item === 'string' ? WHOLE_REF.exec(item) : null;
      const bound = whole ? values.get(whole[1]!) : undefined;
      if (Array.isArray(bound)) return structuredClone(bound);
      return [interpolate(item, values)];
    });
  }
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, values)]));
  }
  return value;
}

/**
 * An aws:runDocument step's documentParameters (a StringMap, or its text, which `parse` reads) as
 * SendCommand-style lists of strings. `parse` answers undefined for text that gives no parameters.
 */
export function suppliedFrom(
  documentParameters: unknown,
  parse: (text: string) => unknown,
): Record<string, string[]> {
  const map = typeof documentParameters === 'string' ? parse(documentParameters) : documentParameters;
  if (map === undefined || map === null) return {};
  if (!isObject(map)) throw invalid('documentParameters must be a map of parameter names to values.');
  return Object.fromEntries(
    Object.entries(map).map(([k, v]) => [k, Array.isArray(v) ? v.map(asText) : [asText(v)]]),
  );
}
