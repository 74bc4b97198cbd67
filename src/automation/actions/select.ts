// Selector (JSONPath) and Type for step outputs, and the AWS API actions' PropertySelector.
//
// What AWS documents ("Using action outputs as inputs", Systems Manager user guide): Type is one of
// String (the default), Integer, Boolean, StringList, StringMap, MapList, and when the selected value
// is not of that type Automation converts it: a String to StringList, Integer or Boolean; an Integer
// or a Boolean to String or StringList; a StringList, IntegerList or BooleanList of ONE element to
// String, Integer or Boolean. Any other mismatch fails the step here (AWS's text is not known).
//
// A selector that matches nothing gives no output at all (undefined), and the step still succeeds:
// AWS's own example runbook selects `$.Reservations[0].Instances[0].Platform` (absent on Linux
// instances) and branches to its Linux step by Default, which only works if that step succeeds.
//
// JSONPath is jsonpath-plus with script evaluation switched off (`eval: false`): its default 'safe'
// mode still interprets `?()` filters and `()` scripts (member access and calls, the source of past
// sandbox escapes), and a selector comes from a runbook anyone may share. Filters and scripts are
// refused with a clear error instead; plain paths, wildcards, `..`, slices and unions work.
import { JSONPath } from 'jsonpath-plus';

export const OUTPUT_TYPES = ['String', 'Integer', 'Boolean', 'StringList', 'StringMap', 'MapList'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

/**
 * True when the selector names at most one value (no wildcard, `..`, slice, union or filter): its
 * result is that value itself. An indefinite selector's result is the list of everything it matched,
 * as in Jayway JsonPath and jsonpath-ng.
 */
export function isDefiniteSelector(selector: string): boolean {
  return pathComponents(selector).every(
    (part) =>
      part !== '*' &&
      part !== '..' &&
      !/^-?\d*:-?\d*(:-?\d*)?$/.test(part) &&
      !/^-?\d+(,-?\d+)+$/.test(part) &&
      !/^[?(@~^]/.test(part),
  );
}

/**
 * Every value `selector` matches in `source`, in document order (a JSON null counts as no match).
 * Throws an Error when the selector is not a JSONPath this emulator reads.
 */
export function selectMatches(source: unknown, selector: string): unknown[] {
  if (typeof selector !== 'string' || selector.trim() === '') {
    throw new Error(`The selector ${JSON.stringify(selector)} is not a JSONPath expression.`);
  }
  let found: unknown;
  try {
    found = JSONPath({
      path: selector.trim(),
      json: (source ?? null) as null,
      // See the header: no script evaluation, whatever the selector holds.
      eval: false,
      wrap: true,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The selector ${selector} cannot be read: ${reason} (filter and script expressions are not supported).`,
      { cause: error },
    );
  }
  return (Array.isArray(found) ? found : []).filter((value) => value !== null && value !== undefined);
}

/**
 * The value `selector` (a JSONPath such as `$.Payload.id` or `$.Parameters[0].Name`) picks from
 * `source`, converted to `type` (String by default; Integer, Boolean, StringList, StringMap,
 * MapList) as AWS converts it. Undefined when the selector matches nothing (the output is left
 * out, the step does not fail); an indefinite selector (`$.Parameters[*].Name`) that matches
 * nothing gives [] for the list types. Throws an Error saying why when the value cannot be that
 * type, the type is unknown or the selector cannot be read: the engine fails the step with it.
 */
export function selectOutput(source: unknown, selector: string, type: string = 'String'): unknown {
  if (!(OUTPUT_TYPES as readonly string[]).includes(type)) {
    throw new Error(`The output type ${type} is not supported. Valid types: ${OUTPUT_TYPES.join(', ')}.`);
  }
  const matches = selectMatches(source, selector);
  let value: unknown;
  if (isDefiniteSelector(selector)) {
    if (matches.length === 0) return undefined;
    value = matches[0];
  } else {
    if (matches.length === 0) return type === 'StringList' || type === 'MapList' ? [] : undefined;
    value = matches;
  }
  return convertOutput(value, type as OutputType, selector);
}

/** `value` as `type`, by AWS's conversion rules (see the header). */
export function convertOutput(value: unknown, type: OutputType, selector = '$'): unknown {
  const fail = (): never => {
    throw new Error(
      `The value selected by ${selector} (${describe(value)}) cannot be converted to the output type ${type}.`,
    );
  };
  // A list of one scalar stands for that scalar when a scalar type is wanted.
  const scalar = Array.isArray(value) && value.length === 1 && isScalar(value[0]) ? value[0] : value;
  switch (type) {
    case 'String':
      if (typeof scalar === 'string') return scalar;
      if (typeof scalar === 'number' || typeof scalar === 'boolean') return String(scalar);
      return fail();
    case 'Integer':
      if (typeof scalar === 'number' && Number.isInteger(scalar)) return scalar;
      if (typeof scalar === 'string' && /^\s*[-+]?\d+\s*$/.test(scalar)) {
        const parsed = Number(scalar);
        if (Number.isSafeInteger(parsed)) return parsed;
      }
      return fail();
    case 'Boolean':
      if (typeof scalar === 'boolean') return scalar;
      if (typeof scalar === 'string' && /^(true|false)$/i.test(scalar.trim())) {
        return scalar.trim().toLowerCase() === 'true';
      }
      return fail();
    case 'StringList':
      if (isScalar(value)) return [String(value)];
      if (Array.isArray(value) && value.every(isScalar)) return value.map((v) => String(v));
      return fail();
    case 'StringMap':
      if (isPlainObject(value)) return value;
      if (Array.isArray(value) && value.length === 1 && isPlainObject(value[0])) return value[0];
      return fail();
    case 'MapList':
      if (Array.isArray(value) && value.every(isPlainObject)) return value;
      return fail();
  }
}

function pathComponents(selector: string): string[] {
  const parts = JSONPath.toPathArray(selector.trim()) as string[];
  return parts[0] === '$' ? parts.slice(1) : parts;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
