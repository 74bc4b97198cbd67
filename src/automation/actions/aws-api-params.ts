// The AWS API actions call the API through boto3, and botocore checks a request's parameters on the
// client before sending it: these are its checks (botocore/validate.py) and its words, so a runbook
// with a missing or misspelled parameter fails as it would on AWS ("Parameter validation failed:"
// then one line per problem). The server-side checks (lengths, patterns, enums) follow in
// services.operations.call, answered as the service's ValidationException.
//
// botocore also serialises what YAML cannot say directly: a timestamp given as text (ISO 8601) or
// epoch seconds, and a blob given as text (sent base64-encoded). Both are converted here into the
// wire JSON the emulator's API reads.
import { serviceModel, type Shape } from '../../protocol/model.js';

export class ParamValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Parameter validation failed:\n${problems.join('\n')}`);
    this.name = 'ParamValidationError';
  }
}

/** boto3's method name for an operation (botocore's xform_name): GetParameter -> get_parameter. */
export function methodName(name: string): string {
  if (name.includes('_')) return name;
  return name
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

let byMethod: Map<string, string> | undefined;

/**
 * The model's operation that `api` names: its own name (GetParameter) or boto3's method name
 * (get_parameter), as the Api input takes either. Undefined when the model has no such operation.
 */
export function resolveOperation(api: string): string | undefined {
  const model = serviceModel();
  if (model.operations[api]) return api;
  byMethod ??= new Map(Object.keys(model.operations).map((name) => [methodName(name), name]));
  return byMethod.get(methodName(api.trim()));
}

/**
 * The operation's parameters checked as botocore checks them and converted to wire JSON. Throws
 * ParamValidationError listing every problem.
 */
export function prepareParams(operation: string, params: Record<string, unknown>): Record<string, unknown> {
  const model = serviceModel();
  const inputRef = model.operations[operation]?.input;
  const problems: string[] = [];
  if (!inputRef) {
    const names = Object.keys(params);
    if (names.length > 0) problems.push(unknownParameter('input', names[0] ?? '', []));
    if (problems.length > 0) throw new ParamValidationError(problems);
    return {};
  }
  const prepared = walk(params, inputRef.shape, 'input', problems);
  if (problems.length > 0) throw new ParamValidationError(problems);
  return (prepared ?? {}) as Record<string, unknown>;
}

function walk(value: unknown, shapeName: string, path: string, problems: string[]): unknown {
  const shape = serviceModel().shapes[shapeName];
  if (!shape) return value;
  switch (shape.type) {
    case 'structure':
      return walkStructure(value, shape, path, problems);
    case 'list': {
      if (!Array.isArray(value))
        return invalidType(value, path, ["<class 'list'>", "<class 'tuple'>"], problems);
      if (shape.min !== undefined && value.length < shape.min) {
        problems.push(
          `Invalid length for parameter ${path}, value: ${value.length}, valid min length: ${shape.min}`,
        );
      }
      const member = shape.member?.shape ?? '';
      return value.map((item, i) => walk(item, member, `${path}[${i}]`, problems));
    }
    case 'map': {
      if (!isMap(value)) return invalidType(value, path, ["<class 'dict'>"], problems);
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        walk(key, shape.key?.shape ?? '', `${path} (key: ${key})`, problems);
        out[key] = walk(item, shape.value?.shape ?? '', `${path}.${key}`, problems);
      }
      return out;
    }
    case 'string':
      if (typeof value !== 'string') return invalidType(value, path, ["<class 'str'>"], problems);
      if (shape.min !== undefined && value.length < shape.min) {
        problems.push(
          `Invalid length for parameter ${path}, value: ${value.length}, valid min length: ${shape.min}`,
        );
      }
      return value;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return invalidType(value, path, ["<class 'int'>"], problems);
      }
      return checkRange(value, shape, path, problems);
    case 'double':
    case 'float':
      if (typeof value !== 'number') {
        return invalidType(
          value,
          path,
          ["<class 'float'>", "<class 'decimal.Decimal'>", "<class 'int'>"],
          problems,
        );
      }
      return checkRange(value, shape, path, problems);
    case 'boolean':
      if (typeof value !== 'boolean') return invalidType(value, path, ["<class 'bool'>"], problems);
      return value;
    case 'timestamp': {
      // botocore takes a datetime, an ISO 8601 text or epoch seconds; the wire carries epoch seconds.
      if (typeof value === 'number') return value;
      const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(parsed)) {
        return invalidType(value, path, ["<class 'datetime.datetime'>", 'timestamp-string'], problems);
      }
      return parsed / 1000;
    }
    case 'blob':
      // botocore base64-encodes text or bytes for the JSON protocol.
      if (typeof value !== 'string') {
        return invalidType(
          value,
          path,
          ["<class 'bytes'>", "<class 'bytearray'>", 'file-like object'],
          problems,
        );
      }
      return Buffer.from(value, 'utf8').toString('base64');
  }
}

function walkStructure(value: unknown, shape: Shape, path: string, problems: string[]): unknown {
  if (!isMap(value)) return invalidType(value, path, ["<class 'dict'>"], problems);
  const members = shape.members ?? {};
  for (const name of shape.required ?? []) {
    if (value[name] === undefined || value[name] === null) {
      problems.push(`Missing required parameter in ${path}: "${name}"`);
    }
  }
  // botocore's order: required members, then unknown ones, then each known member's own checks.
  const known = Object.entries(value).filter(([name]) => {
    if (members[name]) return true;
    problems.push(unknownParameter(path, name, Object.keys(members)));
    return false;
  });
  const out: Record<string, unknown> = {};
  for (const [name, item] of known) {
    if (item === undefined || item === null) continue;
    out[name] = walk(item, members[name]?.shape ?? '', path === 'input' ? name : `${path}.${name}`, problems);
  }
  return out;
}

function unknownParameter(path: string, name: string, valid: string[]): string {
  return `Unknown parameter in ${path}: "${name}", must be one of: ${valid.join(', ')}`;
}

function checkRange(value: number, shape: Shape, path: string, problems: string[]): number {
  if (shape.min !== undefined && value < shape.min) {
    problems.push(`Invalid value for parameter ${path}, value: ${value}, valid min value: ${shape.min}`);
  }
  return value;
}

function invalidType(value: unknown, path: string, valid: string[], problems: string[]): undefined {
  problems.push(
    `Invalid type for parameter ${path}, value: ${pythonRepr(value)}, type: ${pythonType(value)}, valid types: ${valid.join(', ')}`,
  );
  return undefined;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How Python prints the value botocore received (YAML and JSON values map to these types). */
function pythonType(value: unknown): string {
  if (typeof value === 'string') return "<class 'str'>";
  if (typeof value === 'boolean') return "<class 'bool'>";
  if (typeof value === 'number') return Number.isInteger(value) ? "<class 'int'>" : "<class 'float'>";
  if (Array.isArray(value)) return "<class 'list'>";
  if (value === null || value === undefined) return "<class 'NoneType'>";
  return "<class 'dict'>";
}

function pythonRepr(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(reprInner).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `'${k}': ${reprInner(v)}`)
    .join(', ')}}`;
}

function reprInner(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : pythonRepr(value);
}
