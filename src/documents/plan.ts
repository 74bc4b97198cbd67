// The execution contract (api.ts): resolving a document for Run Command and planning its steps, with
// the documents that aws:runDocument steps run nested in them (parameters are bound in binding.ts).
// The documents an agent fetches or reads while it runs (aws:downloadContent's sourceInfo, a
// LocalPath file) are parsed here too, so Run Command never reads document content itself.
import type { RequestContext } from '../core/capability.js';
import type { DocumentsApi, ExecutableDocument, PluginStep } from './api.js';
import { bindParameters, interpolate, invalid, isObject, suppliedFrom } from './binding.js';
import { declaredParameters, parseContent } from './content.js';
import { documentErrors } from './errors.js';
import { yaml } from './yaml.js';
import { findReadable, selectVersion } from './state.js';

/** How deep aws:runDocument may nest documents in one another before ssm-local stops. */
export const MAX_NESTING = 3;

interface RawStep {
  name: string;
  action: string;
  inputs: Record<string, unknown>;
  precondition?: Record<string, unknown>;
}

function rawSteps(doc: ExecutableDocument): RawStep[] {
  const content = doc.content;
  if (doc.schemaVersion === '1.2') {
    const runtimeConfig = (content['runtimeConfig'] ?? {}) as Record<string, { properties?: unknown }>;
    return Object.entries(runtimeConfig).flatMap(([plugin, config]) => {
      const properties = Array.isArray(config.properties) ? config.properties : [config.properties];
      return properties.filter(isObject).map((inputs) => ({ name: plugin, action: plugin, inputs }));
    });
  }
  const steps = (content['mainSteps'] ?? []) as Record<string, unknown>[];
  return steps.map((step) => ({
    name: step['name'] as string,
    action: step['action'] as string,
    inputs: isObject(step['inputs']) ? step['inputs'] : {},
    ...(isObject(step['precondition']) ? { precondition: step['precondition'] } : {}),
  }));
}

interface Downloaded {
  destination: string;
  document?: ExecutableDocument;
  error?: string;
}

/** The document sourceInfo names, `{"name": ..., "version": ...}`; `parse` reads it when it is text. */
function sourceReference(
  sourceInfo: unknown,
  parse: (text: string) => unknown,
): { name: string; version: string | undefined } | undefined {
  const info = typeof sourceInfo === 'string' ? parse(sourceInfo) : sourceInfo;
  const name = isObject(info) ? info['name'] : undefined;
  if (typeof name !== 'string' || name === '') return undefined;
  const version = isObject(info) && typeof info['version'] === 'string' ? info['version'] : undefined;
  return { name, version };
}

/** Text parameters when the command is planned are JSON; empty text gives none. */
function parseJsonParameters(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid('documentParameters is not valid JSON.');
  }
}

/** Text the agent reads while it runs is YAML (so JSON too); blank text gives nothing. */
function parseYamlText(text: string): unknown {
  return text.trim() === '' ? undefined : (yaml().parse(text) as unknown);
}

function documentFromSourceInfo(ctx: RequestContext, sourceInfo: unknown): ExecutableDocument {
  const source = sourceReference(sourceInfo, (text) => JSON.parse(text) as unknown);
  if (!source) throw invalid('sourceInfo must give the name of the SSM document.');
  return resolveForExecution(ctx, source.name, source.version, ['Command']);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function attachNested(
  ctx: RequestContext,
  step: PluginStep,
  downloaded: Downloaded | undefined,
  depth: number,
): void {
  const { documentType, documentPath, documentParameters } = step.inputs;
  let target: ExecutableDocument | undefined;
  try {
    if (documentType === 'SSMDocument') {
      target = resolveForExecution(ctx, String(documentPath ?? ''), undefined, ['Command']);
    } else if (documentType === 'LocalPath' && downloaded) {
      const path = String(documentPath ?? '').replace(/\/+$/, '');
      const fetched = downloaded.document?.name ?? '';
      if (path === '' || path === downloaded.destination || /[^/]+$/.exec(path)?.[0]?.startsWith(fetched)) {
        if (downloaded.error) throw new Error(downloaded.error);
        target = downloaded.document;
      }
    }
    if (!target) return;
    if (depth >= MAX_NESTING) {
      throw new Error(`Documents can be nested at most ${MAX_NESTING} levels deep with aws:runDocument.`);
    }
    step.nested = {
      document: target,
      steps: planSteps(ctx, target, suppliedFrom(documentParameters, parseJsonParameters), depth + 1),
    };
  } catch (error) {
    step.nestedError = errorText(error);
  }
}

function planSteps(
  ctx: RequestContext,
  doc: ExecutableDocument,
  supplied: Record<string, string[]>,
  depth: number,
): PluginStep[] {
  const values = bindParameters(ctx, declaredParameters(doc.content, doc.documentType), supplied);
  let downloaded: Downloaded | undefined;
  return rawSteps(doc).map((raw) => {
    const step: PluginStep = {
      name: raw.name,
      action: raw.action,
      inputs: interpolate(raw.inputs, values) as Record<string, unknown>,
      ...(raw.precondition
        ? { precondition: interpolate(raw.precondition, values) as Record<string, unknown> }
        : {}),
    };
    if (step.action === 'aws:downloadContent' && step.inputs['sourceType'] === 'SSMDocument') {
      downloaded = { destination: String(step.inputs['destinationPath'] ?? '').replace(/\/+$/, '') };
      try {
        downloaded.document = documentFromSourceInfo(ctx, step.inputs['sourceInfo']);
      } catch (error) {
        downloaded.error = errorText(error);
      }
    }
    if (step.action === 'aws:runDocument') attachNested(ctx, step, downloaded, depth);
    return step;
  });
}

export function resolveForExecution(
  ctx: RequestContext,
  name: string,
  version?: string,
  documentTypes?: string[],
): ExecutableDocument {
  const found = findReadable(ctx, name);
  if (!found) throw documentErrors.notFound();
  const { doc } = found;
  if (documentTypes && !documentTypes.includes(doc.documentType)) {
    throw documentErrors.invalidDocument(
      `Document ${name} is of type ${doc.documentType}; this operation runs documents of type ${documentTypes.join(' or ')}.`,
    );
  }
  const v = selectVersion(doc, version, undefined, found.sharedVersion);
  return {
    name: found.own || doc.owner === 'Amazon' ? doc.name : name,
    documentVersion: String(v.version),
    documentType: doc.documentType,
    schemaVersion: v.schemaVersion,
    hash: v.hash,
    hashType: 'Sha256',
    content: parseContent(v.content, v.format),
    platformTypes: [...v.platformTypes],
  };
}

/** aws:downloadContent at run time: the SSM document its sourceInfo names. */
function resolveSource(ctx: RequestContext, sourceInfo: unknown): ExecutableDocument {
  const source = sourceReference(sourceInfo, parseYamlText);
  if (!source) throw new Error('sourceInfo must give the name of the SSM document');
  return resolveForExecution(ctx, source.name, source.version, ['Command']);
}

/** aws:runDocument at run time: a document file read from the instance, planned as a Command document. */
function planLocalDocument(
  ctx: RequestContext,
  path: string,
  text: string,
  documentParameters: unknown,
): { steps: PluginStep[]; schemaVersion: string } {
  const content = yaml().parse(text) as unknown;
  if (!isObject(content)) throw new Error(`${path} is not a valid SSM document`);
  const doc: ExecutableDocument = {
    name: path,
    documentVersion: '1',
    documentType: 'Command',
    schemaVersion: typeof content['schemaVersion'] === 'string' ? content['schemaVersion'] : '2.2',
    hash: '',
    hashType: 'Sha256',
    content,
  };
  return {
    steps: planSteps(ctx, doc, suppliedFrom(documentParameters, parseYamlText), 0),
    schemaVersion: doc.schemaVersion,
  };
}

export const documentsApi: DocumentsApi = {
  resolveForExecution,
  plan: (ctx, doc, supplied) => planSteps(ctx, doc, supplied, 0),
  resolveSource,
  planLocalDocument,
};
