// A runbook's parameters bound as StartAutomationExecution binds them: undeclared names and missing
// required ones refused, each value checked against its declared type, allowedValues,
// allowedPattern (on RE2: core/patterns.ts) and the min/max limits, `{{ssm:name}}` Parameter Store
// references resolved, defaults filling the rest. The result is the typed value of each parameter
// (what `{{ name }}` reads) and the supplied values as GetAutomationExecution shows them.
import type { RequestContext } from '../../core/capability.js';
import { compileUserPattern } from '../../core/patterns.js';
import { PARAMETERS } from '../../parameters/api.js';
import { automationErrors } from './errors.js';

const invalid = automationErrors.invalidParameters;
const SSM_REF = /\{\{\s*ssm:([^{}]*?)\s*\}\}/g;

type Declaration = Record<string, unknown>;

export interface BoundParameters {
  /** As supplied (the Parameters GetAutomationExecution shows). */
  supplied: Record<string, string[]>;
  /** Every declared parameter in its type, defaults applied. */
  values: Record<string, unknown>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** StringList, MapList and List<AWS::...> take lists; every other type one value. */
export function isListType(type: string): boolean {
  return type === 'StringList' || type === 'MapList' || type.startsWith('List<');
}

function parseJson(name: string, text: string, type: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid(`Parameter "${name}" has value "${text}" which is not a valid ${type}.`);
  }
}

function single(name: string, type: string, raw: string[]): string {
  if (raw.length !== 1) {
    throw invalid(
      `Parameter "${name}" is of type ${type} and takes one value, but ${raw.length} were given.`,
    );
  }
  return raw[0]!;
}

/** A supplied value (a list of strings) in the declared type. */
function typed(name: string, type: string, raw: string[]): unknown {
  if (type === 'MapList') {
    const first = raw.length === 1 ? parseJson(name, raw[0]!, type) : undefined;
    const list = Array.isArray(first) ? first : raw.map((item) => parseJson(name, item, type));
    if (!list.every(isObject)) throw invalid(`Parameter "${name}" has a value which is not a valid MapList.`);
    return list;
  }
  if (isListType(type)) return raw;
  const text = single(name, type, raw);
  if (type === 'Integer') {
    if (!/^-?\d+$/.test(text))
      throw invalid(`Parameter "${name}" has value "${text}" which is not a valid Integer.`);
    return Number(text);
  }
  if (type === 'Boolean') {
    const lower = text.toLowerCase();
    if (lower !== 'true' && lower !== 'false') {
      throw invalid(`Parameter "${name}" has value "${text}" which is not a valid Boolean.`);
    }
    return lower === 'true';
  }
  if (type === 'StringMap') {
    const value = parseJson(name, text, type);
    if (!isObject(value))
      throw invalid(`Parameter "${name}" has value "${text}" which is not a valid StringMap.`);
    return value;
  }
  return text;
}

/** A declared default in the declared type (YAML and JSON defaults may be written loosely). */
function typedDefault(name: string, type: string, value: unknown): unknown {
  if (typeof value === 'string' && (type === 'StringMap' || type === 'MapList'))
    return parseJson(name, value, type);
  if (type === 'Integer') return typeof value === 'number' ? value : Number(value);
  if (type === 'Boolean') return typeof value === 'boolean' ? value : String(value).toLowerCase() === 'true';
  if (type === 'String' || type.startsWith('AWS::')) return typeof value === 'string' ? value : String(value);
  if (isListType(type) && !Array.isArray(value)) return [value];
  return structuredClone(value);
}

function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return [typeof value === 'string' ? value : JSON.stringify(value)];
}

function check(name: string, declaration: Declaration, value: unknown): void {
  const { allowedValues, allowedPattern, minItems, maxItems, minChars, maxChars } = declaration;
  if (Array.isArray(value)) {
    if (typeof minItems === 'number' && value.length < minItems) {
      throw invalid(`Parameter "${name}" has ${value.length} values, but requires at least ${minItems}.`);
    }
    if (typeof maxItems === 'number' && value.length > maxItems) {
      throw invalid(`Parameter "${name}" has ${value.length} values, but allows at most ${maxItems}.`);
    }
  }
  if (isObject(value) || (Array.isArray(value) && value.some(isObject))) return;
  for (const text of texts(value)) {
    if (Array.isArray(allowedValues) && !allowedValues.map(String).includes(text)) {
      throw automationErrors.notAllowed(name, text, allowedValues);
    }
    if (typeof allowedPattern === 'string') {
      const pattern = compileUserPattern(allowedPattern);
      if (pattern && !pattern.matches(text)) {
        throw invalid(`Parameter "${name}" has value "${text}" not matching "${allowedPattern}".`);
      }
    }
    if (typeof minChars === 'number' && text.length < minChars) {
      throw invalid(
        `Parameter "${name}" has value "${text}" shorter than the minimum of ${minChars} characters.`,
      );
    }
    if (typeof maxChars === 'number' && text.length > maxChars) {
      throw invalid(`Parameter "${name}" has a value longer than the maximum of ${maxChars} characters.`);
    }
  }
}

/** `{{ssm:name}}` references replaced by the Parameter Store values they name. */
function withReferences(ctx: RequestContext, name: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => withReferences(ctx, name, item));
  if (typeof value !== 'string') return value;
  return value.replace(SSM_REF, (_match, reference: string) => {
    const found = ctx.services.registry.find(PARAMETERS)?.read(ctx, reference.trim());
    if (!found) {
      throw invalid(
        `Parameter "${name}" refers to the Parameter Store parameter ${reference.trim()}, which does not exist.`,
      );
    }
    if (found.type === 'SecureString') {
      throw invalid(
        `Parameter "${name}" refers to a SecureString parameter, which runbooks can't reference.`,
      );
    }
    return found.value;
  });
}

export function bindParameters(
  ctx: RequestContext,
  declared: Record<string, Declaration>,
  supplied: Record<string, string[]>,
): BoundParameters {
  for (const name of Object.keys(supplied)) {
    if (!(name in declared)) throw invalid(`Parameter "${name}" is not defined in the runbook.`);
  }
  const values: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(declared)) {
    const type = typeof declaration['type'] === 'string' ? declaration['type'] : 'String';
    const raw = supplied[name];
    if (raw !== undefined && (raw.length > 0 || isListType(type))) {
      values[name] = typed(name, type, withReferences(ctx, name, raw) as string[]);
      check(name, declaration, values[name]);
    } else if (declaration['default'] !== undefined && declaration['default'] !== null) {
      values[name] = typedDefault(name, type, withReferences(ctx, name, declaration['default']));
    } else {
      throw invalid(`Parameter "${name}" is required, but no value was supplied.`);
    }
  }
  return { supplied: structuredClone(supplied), values };
}

/** Values of a map (aws:executeAutomation's RuntimeParameters, a TargetMap) as a parameter map. */
export function parameterMap(value: unknown): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  if (!isObject(value)) return map;
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    map[name] = texts(v);
  }
  return map;
}
