// What a session runs, from its document: the session type, the document's `properties` (its
// `inputs` for Standard_Stream) with `{{ name }}` substituted from the parameters, and the account's
// Session Manager preferences (its own SSM-SessionManagerRunShell document, else the defaults the
// console saves) under them for shell sessions, with the idle timeout and maximum duration they set.
import { readFileSync } from 'node:fs';
import type { RequestContext } from '../../core/capability.js';
import { DOCUMENTS, type ExecutableDocument } from '../../documents/api.js';
import { SsmError } from '../../protocol/errors.js';
import type { SessionType } from '../model.js';
import { sessionErrors } from './errors.js';

export const PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';

const SESSION_TYPES: readonly SessionType[] = [
  'Standard_Stream',
  'InteractiveCommands',
  'NonInteractiveCommands',
  'Port',
];
const SHELL_TYPES: readonly SessionType[] = [
  'Standard_Stream',
  'InteractiveCommands',
  'NonInteractiveCommands',
];

/** AWS's defaults: sessions idle for 20 minutes end; there is no maximum duration. */
export const DEFAULT_IDLE_MINUTES = 20;

export interface SessionPlan {
  documentName: string;
  sessionType: SessionType;
  properties: Record<string, unknown>;
  idleTimeoutMinutes: number;
  maxDurationMinutes?: number;
}

let defaultPreferences: Record<string, unknown> | undefined;

/** The preferences the Session Manager console saves by default (fixtures/documents/). */
function builtInPreferences(): Record<string, unknown> {
  defaultPreferences ??= JSON.parse(
    readFileSync(
      new URL('../../../fixtures/documents/SSM-SessionManagerRunShell.json', import.meta.url),
      'utf8',
    ),
  ) as Record<string, unknown>;
  return structuredClone(defaultPreferences);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The account's own preferences document, or undefined when it has none. Its latest version: AWS's
 * procedure for changing preferences from the command line is UpdateDocument with $LATEST alone.
 */
function ownPreferences(ctx: RequestContext): ExecutableDocument | undefined {
  try {
    const documents = ctx.services.registry.get(DOCUMENTS);
    const doc = documents.resolveForExecution(ctx, PREFERENCES_DOCUMENT, '$LATEST');
    return doc.documentType === 'Session' && doc.content['sessionType'] === 'Standard_Stream'
      ? doc
      : undefined;
  } catch (error) {
    if (error instanceof SsmError && error.code === 'InvalidDocument') return undefined;
    throw error;
  }
}

/** The session document StartSession names, or the account's preferences for the default. */
function sessionDocument(ctx: RequestContext, name: string): ExecutableDocument {
  const documents = ctx.services.registry.get(DOCUMENTS);
  if (name === PREFERENCES_DOCUMENT) {
    const own = ownPreferences(ctx);
    if (own) return own;
    return {
      name,
      documentVersion: '1',
      documentType: 'Session',
      schemaVersion: '1.0',
      hash: '',
      hashType: 'Sha256',
      content: builtInPreferences(),
    };
  }
  const doc = documents.resolveForExecution(ctx, name);
  if (doc.documentType !== 'Session') throw sessionErrors.notSessionDocument(name, doc.documentType);
  return doc;
}

/**
 * Checks the supplied parameters against the document's declarations and substitutes them, and the
 * defaults, into `template`: the documents capability's own binding (InvalidParameters as AWS
 * answers it), applied to a one-step document whose inputs are the template.
 */
function substitute(
  ctx: RequestContext,
  doc: ExecutableDocument,
  template: Record<string, unknown>,
  supplied: Record<string, string[]>,
): Record<string, unknown> {
  const carrier: ExecutableDocument = {
    ...doc,
    schemaVersion: '2.2',
    content: {
      ...(doc.content['parameters'] !== undefined ? { parameters: doc.content['parameters'] } : {}),
      mainSteps: [{ name: 'session', action: 'aws:session', inputs: { template } }],
    },
  };
  const [step] = ctx.services.registry.get(DOCUMENTS).plan(ctx, carrier, supplied);
  const result = step?.inputs['template'];
  return isObject(result) ? result : {};
}

/** Minutes from a preference ("20", 20), when it is a whole number within [min, max]. */
function minutes(value: unknown, min: number, max: number): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

export function planSession(
  ctx: RequestContext,
  documentName: string,
  supplied: Record<string, string[]>,
): SessionPlan {
  const doc = sessionDocument(ctx, documentName);
  const sessionType = doc.content['sessionType'];
  if (typeof sessionType !== 'string' || !(SESSION_TYPES as readonly string[]).includes(sessionType)) {
    throw sessionErrors.unsupportedSessionType(doc.name, String(sessionType));
  }
  const type = sessionType as SessionType;
  const own = type === 'Standard_Stream' ? doc.content['inputs'] : doc.content['properties'];
  const properties = substitute(ctx, doc, isObject(own) ? own : {}, supplied);
  const preferencesDoc = documentName === PREFERENCES_DOCUMENT ? doc : ownPreferences(ctx);
  const preferencesInputs = preferencesDoc
    ? preferencesDoc.content['inputs']
    : builtInPreferences()['inputs'];
  const preferences = isObject(preferencesInputs) ? preferencesInputs : {};
  const merged = (SHELL_TYPES as readonly string[]).includes(type)
    ? { ...preferences, ...properties }
    : properties;
  const settings = { ...preferences, ...(type === 'Standard_Stream' ? properties : {}) };
  const idle = minutes(settings['idleSessionTimeout'], 1, 60) ?? DEFAULT_IDLE_MINUTES;
  const max = minutes(settings['maxSessionDuration'], 1, 1440);
  return {
    documentName: doc.name,
    sessionType: type,
    properties: merged,
    idleTimeoutMinutes: idle,
    ...(max !== undefined ? { maxDurationMinutes: max } : {}),
  };
}
