// Parameter names, ARNs and selectors.
//
// A name is letters, digits and . - _ with / between hierarchy levels; a name in a hierarchy starts
// with /, has no empty level and at most 15 levels. "p" and "/p" name the same parameter: both have the
// ARN arn:aws:ssm:<region>:<account>:parameter/p, so parameters are keyed by the name without its
// leading slash. Wherever a name is read (not in PutParameter) a parameter ARN is accepted too, and
// GetParameter/GetParameters accept a selector after a colon: name:3 (a version) or name:label.
import type { RequestContext } from '../core/capability.js';
import { parameterErrors } from './errors.js';

const NAME_CHARACTERS = /^[a-zA-Z0-9_.\-/]+$/;
const ARN = /^arn:aws(?:-[a-z]+)*:ssm:([a-z0-9-]*):(\d{12})?:parameter(\/.+)$/;
export const MAX_LEVELS = 15;
/** AWS keeps 1037 of the model's 2048 characters for itself: 1011 for the ARN prefix plus the name. */
const MAX_ARN_LENGTH = 1011;

export interface Selector {
  /** As the response's Selector shows it: ":3" or ":label". */
  text: string;
  version?: number;
  label?: string;
}

export interface NameReference {
  /** The name without its leading slash: the parameter's key and the tail of its ARN. */
  key: string;
  /** The name (or ARN) as the caller wrote it, selector removed: what error messages name. */
  shown: string;
  /** Whether the caller gave an ARN rather than a name. */
  byArn: boolean;
  selector?: Selector;
  /** An ARN of another account or region: no parameter of this caller's. */
  foreign: boolean;
}

export function arnPrefix(ctx: RequestContext): string {
  return `arn:aws:ssm:${ctx.region}:${ctx.accountId}:parameter/`;
}

export function parameterArn(ctx: RequestContext, key: string): string {
  return arnPrefix(ctx) + key;
}

/** Public parameters live under /aws/ and belong to no account: their ARN has an empty account. */
export function publicArn(ctx: RequestContext, key: string): string {
  return `arn:aws:ssm:${ctx.region}::parameter/${key}`;
}

export function isPublicKey(key: string): boolean {
  return key.startsWith('aws/');
}

/** True when the name (without selector) is well formed. */
function wellFormed(name: string): boolean {
  if (!NAME_CHARACTERS.test(name)) return false;
  if (!name.includes('/')) return true;
  return name.startsWith('/') && name.length > 1 && !name.includes('//') && !name.endsWith('/');
}

function splitSelector(text: string): { base: string; selector?: Selector } {
  const colon = text.indexOf(':');
  if (colon < 0) return { base: text };
  const raw = text.slice(colon + 1);
  if (raw === '' || raw.includes(':')) throw parameterErrors.invalidName();
  const selector: Selector = /^\d+$/.test(raw)
    ? { text: `:${raw}`, version: Number(raw) }
    : { text: `:${raw}`, label: raw };
  return { base: text.slice(0, colon), selector };
}

/**
 * Reads a name, a name with a selector (when allowed) or a parameter ARN. Spaces around it are
 * dropped, as AWS drops them. Throws AWS's ValidationException for a malformed name.
 */
export function parseReference(
  ctx: RequestContext,
  raw: string,
  options: { selector: boolean } = { selector: false },
): NameReference {
  const text = raw.trim();
  const arn = ARN.exec(text);
  let body = text;
  let foreign = false;
  if (arn) {
    body = arn[3]!;
    const [region, account] = [arn[1]!, arn[2] ?? ''];
    const key = body.slice(1).split(':')[0]!;
    const accountMatches = account === ctx.accountId || (account === '' && isPublicKey(key));
    foreign = region !== ctx.region || !accountMatches;
  } else if (text.startsWith('arn:')) {
    throw parameterErrors.invalidName();
  }
  const { base, selector } = splitSelector(body);
  if (selector && !options.selector) throw parameterErrors.invalidName();
  // In an ARN the name follows "parameter/" with its leading slash once: parameter/a/b is /a/b.
  if (!wellFormed(base)) throw parameterErrors.invalidName();
  const key = base.startsWith('/') ? base.slice(1) : base;
  const shown = arn ? text.slice(0, text.length - (selector ? selector.text.length : 0)) : base;
  return { key, shown, byArn: arn !== null, foreign, ...(selector ? { selector } : {}) };
}

/**
 * The Name a response gives for a parameter read through this reference. A name comes back as the
 * caller wrote it ("/p" for a parameter created as "p"); an ARN never does: AWS answers the name the
 * parameter was created with, and the ARN in ARN.
 */
export function responseName(ref: NameReference, createdName: string): string {
  return ref.byArn ? createdName : ref.shown;
}

/**
 * The name of a parameter to create or update: never an ARN or a selector; not under the reserved
 * aws/ssm prefixes; at most 15 levels; at most 1011 characters counting the ARN prefix.
 */
export function parseNewName(ctx: RequestContext, raw: string): { key: string; name: string } {
  const name = raw.trim();
  if (!wellFormed(name)) throw parameterErrors.invalidName();
  const key = name.startsWith('/') ? name.slice(1) : name;
  const lower = key.toLowerCase();
  if (lower.startsWith('aws') || lower.startsWith('ssm')) {
    const inHierarchy = name.split('/').length > 2;
    if (inHierarchy && name.toLowerCase().startsWith('/aws')) throw parameterErrors.reservedPath(name);
    throw inHierarchy ? parameterErrors.invalidName() : parameterErrors.reservedName();
  }
  if (key.split('/').length > MAX_LEVELS) throw parameterErrors.hierarchyTooDeep();
  const prefix = arnPrefix(ctx);
  if (prefix.length + key.length > MAX_ARN_LENGTH) throw parameterErrors.nameTooLong(prefix);
  return { key, name };
}

/** "/a/b" for a key "a/b": the form paths and Name filters compare against. */
export function rooted(key: string): string {
  return `/${key}`;
}

/** The path a parameter sits in: "/a" for "/a/b", "/" for "p" or "/p". */
export function parentPath(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? '/' : `/${key.slice(0, slash)}`;
}

/** A well-formed path ("/", "/a", "/a/b/") or undefined; the trailing slash is dropped. */
export function normalisePath(path: string): string | undefined {
  if (path === '/') return '/';
  if (!path.startsWith('/') || !NAME_CHARACTERS.test(path) || path.includes('//')) return undefined;
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Whether the parameter with this key is under the path (directly unless recursive). */
export function underPath(key: string, path: string, recursive: boolean): boolean {
  const name = rooted(key);
  const prefix = path === '/' ? '/' : `${path}/`;
  if (!name.startsWith(prefix) || name.length === prefix.length) return false;
  return recursive || !name.slice(prefix.length).includes('/');
}
