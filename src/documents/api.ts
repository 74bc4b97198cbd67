// What Run Command (and later State Manager and Automation) ask of the documents capability.
import type { RequestContext, Services } from '../core/capability.js';

/** One step (plugin) to run, parameters already interpolated. */
export interface PluginStep {
  /** The plugin/step name reported by ListCommandInvocations (schema 2.x: step `name`; 1.2: the plugin). */
  name: string;
  /** e.g. aws:runShellScript, aws:runPowerShellScript, aws:runDocument */
  action: string;
  inputs: Record<string, unknown>;
  /** schema 2.2 precondition, e.g. { StringEquals: ['platformType', 'Linux'] } */
  precondition?: Record<string, unknown>;
}

export interface ExecutableDocument {
  name: string;
  documentVersion: string;
  documentType: string;
  schemaVersion: string;
  hash: string;
  hashType: string;
  /** The parsed document content (JSON or YAML). */
  content: Record<string, unknown>;
}

export interface DocumentsApi {
  /**
   * The document to execute: version omitted or '$DEFAULT' gives the default version, '$LATEST' the
   * latest. Throws InvalidDocument (missing, or not a Command document when commandOnly) or
   * InvalidDocumentVersion.
   */
  resolveForExecution(ctx: RequestContext, name: string, version?: string): ExecutableDocument;
  /**
   * Checks supplied parameters against the document's declarations (undeclared, missing required,
   * allowedValues, allowedPattern, types; defaults applied) and returns the steps to run with
   * `{{ name }}` interpolated. Throws InvalidParameters as AWS does.
   */
  plan(ctx: RequestContext, doc: ExecutableDocument, supplied: Record<string, string[]>): PluginStep[];
}

export const DOCUMENTS_KEY = 'documents.api';

export function documentsOf(services: Services): DocumentsApi | undefined {
  return services.extensions.get(DOCUMENTS_KEY) as DocumentsApi | undefined;
}
