// What Run Command (and later State Manager and Automation) ask of the documents capability.
import type { RequestContext } from '../core/capability.js';
import { serviceKey } from '../core/services.js';

/** One step (plugin) to run, parameters already interpolated. */
export interface PluginStep {
  /** The plugin/step name reported by ListCommandInvocations (schema 2.x: step `name`; 1.2: the plugin). */
  name: string;
  /** e.g. aws:runShellScript, aws:runPowerShellScript, aws:runDocument */
  action: string;
  inputs: Record<string, unknown>;
  /** schema 2.2 precondition, e.g. { StringEquals: ['platformType', 'Linux'] } */
  precondition?: Record<string, unknown>;
  /**
   * aws:runDocument: the document it runs, resolved and planned with its documentParameters. Set for
   * documentType SSMDocument, and for LocalPath when an earlier aws:downloadContent step of sourceType
   * SSMDocument fetched the document (AWS-RunDocument's pattern). Absent for other local files.
   */
  nested?: NestedRun;
  /**
   * aws:runDocument whose document is missing, nested too deep, or whose documentParameters are not
   * valid for it: the reason. As on AWS, this fails the step when it runs, not SendCommand.
   */
  nestedError?: string;
}

/** The document an aws:runDocument step runs, and its planned steps. */
export interface NestedRun {
  document: ExecutableDocument;
  steps: PluginStep[];
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
  /**
   * The platform types the document supports (DescribeDocument's PlatformTypes). Optional: when
   * given, SendCommand refuses instances of other platforms (UnsupportedPlatformType).
   */
  platformTypes?: string[];
}

export interface DocumentsApi {
  /**
   * The document to execute: version omitted or '$DEFAULT' gives the default version, '$LATEST' the
   * latest. `name` may be a name or an ARN (own, Amazon's, or shared with the caller). Throws
   * InvalidDocument (missing, or its type is not among `documentTypes` when given) or
   * InvalidDocumentVersion.
   */
  resolveForExecution(
    ctx: RequestContext,
    name: string,
    version?: string,
    documentTypes?: string[],
  ): ExecutableDocument;
  /**
   * Checks supplied parameters against the document's declarations (undeclared, missing required,
   * allowedValues, allowedPattern, types; defaults applied) and returns the steps to run with
   * `{{ name }}` interpolated. Throws InvalidParameters as AWS does.
   * Steps come in document order: schema 2.x mainSteps (name = the step's name), or schema 1.2
   * runtimeConfig plugins (name = the plugin, one step per entry of its properties).
   * A StringList parameter referenced as a whole string ("{{ commands }}") becomes the list itself,
   * and inside a list it is spliced in as list elements.
   */
  plan(ctx: RequestContext, doc: ExecutableDocument, supplied: Record<string, string[]>): PluginStep[];
  /**
   * The document an aws:downloadContent step of sourceType SSMDocument fetches, from its sourceInfo
   * (`{"name": ..., "version": ...}`, or that object's JSON/YAML text). Throws an Error when no name
   * is given, and resolveForExecution's errors when the document is missing.
   */
  resolveSource(ctx: RequestContext, sourceInfo: unknown): ExecutableDocument;
  /**
   * An aws:runDocument step's LocalPath document that no earlier step fetched: `text` is the file
   * read from the instance at `path` (JSON or YAML), planned as a Command document with the step's
   * documentParameters (a map, or its JSON/YAML text). Throws an Error when the file is not a
   * document, InvalidParameters as plan does.
   */
  planLocalDocument(
    ctx: RequestContext,
    path: string,
    text: string,
    documentParameters: unknown,
  ): { steps: PluginStep[]; schemaVersion: string };
}

export const DOCUMENTS = serviceKey<DocumentsApi>('documents');
