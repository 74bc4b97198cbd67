// Input validation interpreted from the service model: JSON types, required members, lengths,
// ranges, patterns and enums, reported in AWS's words and at most ten at a time. Returns a
// normalised copy of the input (timestamps become Date, blobs Uint8Array, unknown members are
// dropped); a handler never sees a value of the wrong type, nor a null inside a list or a map.
//
// How AWS writes these messages (the Coral framework's validator, shared by SSM, DynamoDB, Lambda,
// Cognito, ACM, EventBridge...), and where each rule comes from:
// - One violation reads `Value '<v>' at '<path>' failed to satisfy constraint: <constraint>`,
//   joined with "; " after `N validation error(s) detected: `, no trailing period (dynalite's
//   tests, which were run against DynamoDB). Every value is quoted, numbers too ('100'); a missing
//   member is `Value null`. Paths are lower camel case; a list element is `<list>.<n>.member`
//   (from 1), a map value `<map>.<key>.member`: dynalite's
//   `requestItems.aa;.member.1.member.deleteRequest.key`, a Bedrock user's
//   `topicPolicyConfig.topicsConfig.2.member.definition`.
// - A list whose members break their own shape's constraints is reported ONCE, at the list's
//   path, with the whole list as the value: `Value '[a, b]' at 'labels' failed to satisfy
//   constraint: Member must satisfy constraint: [...]` (moto's copy of SSM's LabelParameterVersion
//   message; users' logs from ACM RequestCertificate and Lambda CreateFunctionUrlConfig). A map
//   reads `Map keys must satisfy constraint: [...]` and `Map value must satisfy constraint: [...]`
//   (dynalite's BatchWriteItem tests, a user's EventBridge PutTargets log, Lambda): "keys" is
//   plural in every recorded message. Keys and values that both fail give two messages.
// - The brackets hold ALL the member shape's constraints, not only the broken one (ACM's bracket
//   lists its pattern although only the pattern failed; Lambda's lists `length greater than or
//   equal to 0` and `pattern .*`), in this order: length upper bound, length lower bound,
//   pattern, enum (`[Member must have length less than or equal to 253, Member must have length
//   greater than or equal to 1, Member must satisfy regular expression pattern: ...]`); for numbers
//   the value bounds, upper first (`[Member must have value less than or equal to 1.0, Member must
//   have value greater than or equal to 0.0]`, Lambda). A member that is itself a list or map
//   contributes its own length (DynamoDB's `Map value must satisfy constraint: [Member must have
//   length less than or equal to 25, ...]`); what is inside it is reported at its own path.
// - A list that breaks its own length AND holds bad members gives two messages, its length first
//   (Cognito SetLogDeliveryConfiguration, measured against AWS by floci: `... Member must have
//   length less than or equal to 2; Value 'BOGUS' at 'logConfigurations.2.member.logLevel' ...`).
//   AWS's order between members is not stable (dynalite's tests compare as sets); ours is the
//   model's.
// - Rendering follows Java's toString: a list `[a, b]`, a map `{k=v, k2=v2}`, a structure
//   `ShapeName(memberName=value, other=null)` with every model member in order (Cognito, measured:
//   `LogConfigurationType(logLevel=ERROR, ..., s3Configuration=null)`; DynamoDB's
//   `KeySchemaElement(attributeName=pk, keyType=HASH)`), null inside a list `null`, a blob
//   `java.nio.HeapByteBuffer[pos=0 lim=n cap=n]` (dynalite).
// - A sensitive shape's value is left out: `Value at 'value' failed to satisfy constraint: Member
//   must have length greater than or equal to 1` (SSM PutParameter, users' logs of 2024 and 2025;
//   older logs from 2021 still show `Value ''`). Redaction covers everything that holds a sensitive
//   shape: a sensitive list or map (a document's `Parameters`), anything inside one, and a list or
//   map whose members contain one. A missing sensitive member reads `Value at 'value' ... Member
//   must not be null` too (the value is never printed for that member; not seen recorded).
// - A JSON null inside a list or map: AWS is not consistent. Cognito drops it (measured by
//   floci), EventBridge answers 500 InternalFailure (aws/aws-sdk#39), and services whose members
//   are marked non-null report it per the rule above with `Member must not be null` last in the
//   brackets (Lambda's `[..., Member must not be null]`, Cognito's `Value '[null]' at 'assets'
//   ... [Member must not be null]`). SSM's recorded brackets carry no such entry, so SSM's own
//   answer is unknown; ssm-local answers that validation error (a 4xx a client can read), adding
//   `Member must not be null` only when a null is present. A null structure member is an absent
//   one, as in Coral.
// - A value of the wrong JSON type anywhere is a SerializationException, as Coral's deserializer
//   answers before any validation (dynalite, and Cognito measured: `[1, 2]` where structures were
//   expected). A union with other than exactly one member set is one too.
// - Enum values are printed in the reverse of the model's order: the recorded SSM message for
//   ParameterType reads [SecureString, StringList, String] (API Gateway's EndpointType is reversed
//   the same way; DynamoDB's are not, so this is a heuristic, right for the message we have).
import { errors } from './errors.js';
import { shape as lookupShape, type Operation, type Shape } from './model.js';
import {
  bracket,
  brokenBy,
  containsSensitive,
  format,
  isObject,
  memberPathName,
  NOT_NULL,
  type Violation,
  type Walk,
} from './violations.js';

export { compileJavaPattern } from './violations.js';

const MAX_REPORTED = 10;
// ---- JSON types ----

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

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Checks a scalar's JSON type and converts it; containers are only type-checked here. */
function convert(s: Shape, value: unknown): unknown {
  switch (s.type) {
    case 'structure':
    case 'map':
      if (!isObject(value)) wrongType(value, s.type === 'map' ? 'a map' : 'a structure');
      return value;
    case 'list':
      if (!Array.isArray(value)) wrongType(value, 'a list');
      return value;
    case 'string':
      if (typeof value !== 'string') wrongType(value, 'a string');
      return value;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) wrongType(value, 'an integer');
      return value;
    case 'double':
    case 'float':
      // The JSON protocols send NaN and the infinities as strings.
      if (typeof value === 'string' && Object.hasOwn(NON_FINITE, value)) return NON_FINITE[value];
      if (typeof value !== 'number') wrongType(value, 'a number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') wrongType(value, 'a boolean');
      return value;
    case 'timestamp': {
      let date: Date;
      if (typeof value === 'number') date = new Date(value * 1000);
      else if (typeof value === 'string') date = new Date(value);
      else wrongType(value, 'a timestamp');
      if (Number.isNaN(date.getTime()))
        throw errors.serialization(`Unable to parse timestamp ${String(value)}.`);
      return date;
    }
    case 'blob':
      if (typeof value !== 'string') wrongType(value, 'a base64 string');
      if (!BASE64.test(value))
        throw errors.serialization('Unable to decode the blob: it is not valid base64.');
      return new Uint8Array(Buffer.from(value, 'base64'));
  }
}

// ---- The walk ----

interface Visited {
  value: unknown;
  /** The value breaks one of its own shape's constraints (reported by the caller when in a list or map). */
  broken: boolean;
}

/**
 * Type-checks and normalises a non-null value, walking into it. Its own constraints are reported
 * here when it stands alone (`report`), or only flagged for the enclosing list or map's bracket.
 */
function visit(
  name: string,
  value: unknown,
  path: string,
  walk: Walk,
  inSensitive: boolean,
  report: boolean,
): Visited {
  const s = lookupShape(name);
  const converted = convert(s, value);
  const hidden = inSensitive || containsSensitive(name);
  const below = inSensitive || s.sensitive === true;
  const broken = brokenBy(s, value);
  if (report) for (const constraint of broken) walk.push({ path, value, shape: name, hidden, constraint });
  let out = converted;
  if (s.type === 'structure') out = visitStructure(s, value as Record<string, unknown>, path, walk, below);
  else if (s.type === 'list') out = visitList(s, name, value as unknown[], path, walk, below, hidden);
  else if (s.type === 'map')
    out = visitMap(s, name, value as Record<string, unknown>, path, walk, below, hidden);
  return { value: out, broken: broken.length > 0 };
}

function visitStructure(
  s: Shape,
  input: Record<string, unknown>,
  path: string,
  walk: Walk,
  inSensitive: boolean,
): Record<string, unknown> {
  const members = Object.entries(s.members ?? {});
  const present = (member: string) => Object.hasOwn(input, member) && input[member] != null;
  if (s.union) {
    const set = members.filter(([member]) => present(member)).length;
    if (set !== 1) {
      throw errors.serialization(`A union must have exactly one member set; this one has ${set}.`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [member, ref] of members) {
    const childPath = path ? `${path}.${memberPathName(member)}` : memberPathName(member);
    if (!present(member)) {
      if (s.required?.includes(member)) {
        const hidden = inSensitive || containsSensitive(ref.shape);
        walk.push({ path: childPath, value: null, shape: ref.shape, hidden, constraint: NOT_NULL });
      }
      continue;
    }
    out[member] = visit(ref.shape, input[member], childPath, walk, inSensitive, true).value;
  }
  return out;
}

function visitList(
  s: Shape,
  name: string,
  input: unknown[],
  path: string,
  walk: Walk,
  inSensitive: boolean,
  hidden: boolean,
): unknown[] {
  const memberName = s.member!.shape;
  const at = walk.length;
  let broken = false;
  let hasNull = false;
  const out = input.map((item, i) => {
    if (item === null) {
      hasNull = true;
      return null;
    }
    const visited = visit(memberName, item, `${path}.${i + 1}.member`, walk, inSensitive, false);
    broken ||= visited.broken;
    return visited.value;
  });
  if (broken || hasNull) {
    const constraint = bracket('Member', lookupShape(memberName), hasNull);
    walk.splice(at, 0, { path, value: input, shape: name, hidden, constraint });
  }
  return out;
}

function visitMap(
  s: Shape,
  name: string,
  input: Record<string, unknown>,
  path: string,
  walk: Walk,
  inSensitive: boolean,
  hidden: boolean,
): Record<string, unknown> {
  const keyName = s.key!.shape;
  const valueName = s.value!.shape;
  const at = walk.length;
  let keysBroken = false;
  let valuesBroken = false;
  let hasNull = false;
  const entries: [string, unknown][] = [];
  for (const [key, item] of Object.entries(input)) {
    keysBroken ||= visit(keyName, key, path, walk, inSensitive, false).broken;
    if (item === null) {
      hasNull = true;
      entries.push([key, null]);
      continue;
    }
    const visited = visit(valueName, item, `${path}.${key}.member`, walk, inSensitive, false);
    valuesBroken ||= visited.broken;
    entries.push([key, visited.value]);
  }
  const heads: Violation[] = [];
  if (keysBroken) {
    const constraint = bracket('Map keys', lookupShape(keyName), false);
    heads.push({ path, value: input, shape: name, hidden, constraint });
  }
  if (valuesBroken || hasNull) {
    const constraint = bracket('Map value', lookupShape(valueName), hasNull);
    heads.push({ path, value: input, shape: name, hidden, constraint });
  }
  walk.splice(at, 0, ...heads);
  // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
  return Object.fromEntries(entries);
}

export function formatViolations(violations: string[]): string {
  const shown = violations.slice(0, MAX_REPORTED);
  const head =
    shown.length === 1 ? '1 validation error detected' : `${shown.length} validation errors detected`;
  return `${head}: ${shown.join('; ')}`;
}

export function validateInput(operation: Operation, input: unknown): Record<string, unknown> {
  if (!operation.input) return {};
  const walk: Walk = [];
  const out = visit(operation.input.shape, input ?? {}, '', walk, false, true).value as Record<
    string,
    unknown
  >;
  if (walk.length > 0) throw errors.validation(formatViolations(walk.map(format)));
  return out;
}
