// Document content: parsing (JSON or YAML), validation against what each document type and schema
// version accepts, and what DescribeDocument derives from it (schema version, description,
// parameters, platform types). JSON syntax errors are located with jsonc-parser (Microsoft's
// scanner behind VS Code's JSON support) because V8's JSON.parse messages do not reliably carry a
// position; YAML is read with the `yaml` package.
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { yaml } from './yaml.js';
import { compileUserPattern } from '../core/patterns.js';
import { documentErrors } from './errors.js';

export type DocumentFormat = 'JSON' | 'YAML' | 'TEXT';
export type Body = Record<string, unknown>;

/** AWS's quota: a document's content may not exceed 64 KB. */
export const MAX_CONTENT_BYTES = 64 * 1024;

const PLATFORM_ORDER = ['Windows', 'Linux', 'MacOS'] as const;
const ALL_PLATFORMS = [...PLATFORM_ORDER];

/** Command document plugins and the platforms each runs on (SSM's plugin reference). */
export const COMMAND_PLUGINS: Record<string, readonly string[]> = {
  'aws:applications': ['Windows'],
  'aws:cloudWatch': ['Windows'],
  'aws:configureDocker': ['Windows', 'Linux'],
  'aws:configurePackage': ALL_PLATFORMS,
  'aws:domainJoin': ['Windows', 'Linux'],
  'aws:downloadContent': ALL_PLATFORMS,
  'aws:psModule': ['Windows'],
  'aws:refreshAssociation': ALL_PLATFORMS,
  'aws:runDockerAction': ['Windows', 'Linux'],
  'aws:runDocument': ALL_PLATFORMS,
  // ssm-local's own plugin, the Linux step of its AWS-RunPatchBaseline (src/patch/states).
  'aws:runPatchBaseline': ['Linux'],
  'aws:runPowerShellScript': ['Windows', 'Linux'],
  'aws:runShellScript': ['Linux', 'MacOS'],
  'aws:softwareInventory': ALL_PLATFORMS,
  'aws:updateAgent': ['Windows'],
  'aws:updateSsmAgent': ALL_PLATFORMS,
};

/** The schema versions each document type accepts (SSM user guide, "Schemas and features"). */
export const SCHEMA_VERSIONS: Record<string, readonly string[]> = {
  Command: ['1.2', '2.0', '2.2'],
  Policy: ['2.0', '2.2'],
  Automation: ['0.3'],
  'Automation.ChangeTemplate': ['0.3'],
  Session: ['1.0'],
};

export const PARAMETER_TYPES = ['String', 'StringList', 'Integer', 'Boolean', 'MapList', 'StringMap'];

export interface ParameterDeclaration {
  type: string;
  description?: string;
  default?: unknown;
  allowedValues?: unknown[];
  allowedPattern?: string;
  minItems?: number;
  maxItems?: number;
  minChars?: number;
  maxChars?: number;
}

/** DocumentParameter as DescribeDocument reports it (plain JSON). */
export interface ParameterSummary {
  Name: string;
  Type: string;
  Description?: string;
  DefaultValue?: string;
}

export interface Analysis {
  schemaVersion: string;
  description?: string;
  parameters: ParameterSummary[];
  platformTypes: string[];
}

export function contentBytes(content: string): number {
  return Buffer.byteLength(content, 'utf8');
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses content in the given format into its top-level object, or answers InvalidDocumentContent. */
export function parseContent(content: string, format: DocumentFormat): Body {
  let value: unknown;
  if (format === 'JSON') {
    const problems: ParseError[] = [];
    parseJsonc(content, problems, { disallowComments: true, allowTrailingComma: false });
    const first = problems[0];
    if (first) {
      // Jackson, which AWS parses with, reports the position just past the offending token.
      const { line, column } = lineAndColumn(content, first.offset + first.length);
      throw documentErrors.content(`JSON not well-formed. at Line: ${line}, Column: ${column}`);
    }
    try {
      value = JSON.parse(content);
    } catch {
      throw documentErrors.content('JSON not well-formed. at Line: 1, Column: 1');
    }
  } else if (format === 'YAML') {
    const doc = yaml().parseDocument(content, { uniqueKeys: true, prettyErrors: true });
    const first = doc.errors[0];
    if (first) {
      const at = first.linePos?.[0];
      throw documentErrors.content(
        at ? `YAML not well-formed. at Line: ${at.line}, Column: ${at.col}` : 'YAML not well-formed.',
      );
    }
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      throw documentErrors.content(
        `YAML not well-formed. ${error instanceof Error ? error.message : ''}`.trim(),
      );
    }
  } else {
    throw documentErrors.content(
      'The document format TEXT is only supported for ChangeCalendar documents, which ssm-local does not support.',
    );
  }
  if (!isPlainObject(value)) {
    throw documentErrors.content(
      'The content for the document is not valid. It must be a JSON or YAML object.',
    );
  }
  return value;
}

/** The stored content rendered in another format, as GetDocument with DocumentFormat does. */
export function renderContent(body: Body, format: DocumentFormat): string {
  if (format === 'YAML') return yaml().stringify(body, { lineWidth: 0 });
  return JSON.stringify(body, null, 2);
}

/** `schemaVersion: 2.0` in YAML reads as the number 2: give it back as AWS shows it ("2.0"). */
function schemaVersionOf(body: Body): string {
  const raw = body['schemaVersion'];
  if (raw === undefined || raw === null) {
    throw documentErrors.content('The content for the document is not valid. schemaVersion is missing.');
  }
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw.toFixed(1) : String(raw);
  if (typeof raw === 'string') return raw;
  throw documentErrors.content('The content for the document is not valid. schemaVersion must be a string.');
}

function defaultValueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function checkParameter(name: string, raw: unknown, documentType: string): ParameterDeclaration {
  const bad = (why: string) => documentErrors.content(`Parameter "${name}" is not valid: ${why}`);
  if (!/^[a-zA-Z0-9_]{1,128}$/.test(name)) {
    throw documentErrors.content(
      `Parameter name "${name}" is not valid. Parameter names can contain only letters, numbers and underscores.`,
    );
  }
  if (!isPlainObject(raw)) throw bad('a parameter declaration must be an object.');
  const type = raw['type'];
  const automationType =
    documentType.startsWith('Automation') &&
    typeof type === 'string' &&
    (type.startsWith('AWS::') || type.startsWith('List<AWS::'));
  if (typeof type !== 'string' || (!PARAMETER_TYPES.includes(type) && !automationType)) {
    throw bad(`type must be one of ${PARAMETER_TYPES.join(', ')}.`);
  }
  if (raw['description'] !== undefined && typeof raw['description'] !== 'string') {
    throw bad('description must be a string.');
  }
  if (raw['allowedValues'] !== undefined && !Array.isArray(raw['allowedValues'])) {
    throw bad('allowedValues must be a list.');
  }
  if (raw['allowedPattern'] !== undefined && typeof raw['allowedPattern'] !== 'string') {
    throw bad('allowedPattern must be a string.');
  }
  for (const limit of ['minItems', 'maxItems', 'minChars', 'maxChars']) {
    const v = raw[limit];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
      throw bad(`${limit} must be a non-negative integer.`);
    }
  }
  const def = raw['default'];
  if (def !== undefined && def !== null) {
    const ok =
      (typeof def === 'string' && /\{\{\s*ssm:/.test(def)) ||
      (type === 'String' && ['string', 'number', 'boolean'].includes(typeof def)) ||
      (type === 'StringList' && Array.isArray(def)) ||
      (type === 'Integer' &&
        ((typeof def === 'number' && Number.isInteger(def)) ||
          (typeof def === 'string' && /^-?\d+$/.test(def)))) ||
      (type === 'Boolean' && (typeof def === 'boolean' || def === 'true' || def === 'false')) ||
      (type === 'StringMap' && (isPlainObject(def) || typeof def === 'string')) ||
      (type === 'MapList' && (Array.isArray(def) || typeof def === 'string')) ||
      automationType;
    if (!ok) throw bad(`the default value does not match the type ${type}.`);
  }
  return raw as unknown as ParameterDeclaration;
}

/** The document's parameter declarations, validated. */
export function declaredParameters(body: Body, documentType = 'Command'): Map<string, ParameterDeclaration> {
  const out = new Map<string, ParameterDeclaration>();
  const raw = body['parameters'];
  if (raw === undefined || raw === null) return out;
  if (!isPlainObject(raw))
    throw documentErrors.content('The content for the document is not valid. parameters must be an object.');
  for (const [name, declaration] of Object.entries(raw)) {
    out.set(name, checkParameter(name, declaration, documentType));
  }
  return out;
}

function checkPrecondition(step: string, precondition: unknown): string | undefined {
  const bad = () =>
    documentErrors.content(
      `Step "${step}" has a precondition that is not valid. Use {"StringEquals": ["platformType", "Linux"]} with Windows, Linux or MacOS.`,
    );
  if (!isPlainObject(precondition)) throw bad();
  const keys = Object.keys(precondition);
  const operands = precondition['StringEquals'];
  if (keys.length !== 1 || !Array.isArray(operands) || operands.length !== 2) throw bad();
  const [left, right] = operands as unknown[];
  if (typeof left !== 'string' || typeof right !== 'string') throw bad();
  if (left === 'platformType') {
    if (!(PLATFORM_ORDER as readonly string[]).includes(right)) throw bad();
    return right;
  }
  if (!/^\{\{\s*[a-zA-Z0-9_]+\s*\}\}$/.test(left)) throw bad();
  return undefined;
}

function stepsOf(body: Body): Record<string, unknown>[] {
  const steps = body['mainSteps'];
  if (!Array.isArray(steps) || steps.length === 0) {
    throw documentErrors.content(
      'The content for the document is not valid. mainSteps must list at least one step.',
    );
  }
  const names = new Set<string>();
  return steps.map((step, i) => {
    if (!isPlainObject(step)) {
      throw documentErrors.content(
        `The content for the document is not valid. Step ${i + 1} must be an object.`,
      );
    }
    const name = step['name'];
    if (typeof name !== 'string' || !/^[a-zA-Z0-9_.\-:]{1,128}$/.test(name)) {
      throw documentErrors.content(
        `The content for the document is not valid. Step ${i + 1} needs a name of letters, numbers, and the characters _ . - :`,
      );
    }
    if (names.has(name))
      throw documentErrors.content(`Step name "${name}" is used more than once. Step names must be unique.`);
    names.add(name);
    if (typeof step['action'] !== 'string') {
      throw documentErrors.content(
        `The content for the document is not valid. Step "${name}" has no action.`,
      );
    }
    if (step['inputs'] !== undefined && !isPlainObject(step['inputs'])) {
      throw documentErrors.content(
        `The content for the document is not valid. The inputs of step "${name}" must be an object.`,
      );
    }
    return step;
  });
}

function orderPlatforms(platforms: Set<string>): string[] {
  return PLATFORM_ORDER.filter((p) => platforms.has(p));
}

function commandPlatforms(body: Body, schemaVersion: string): string[] {
  const platforms = new Set<string>();
  if (schemaVersion === '1.2') {
    if (body['mainSteps'] !== undefined) {
      throw documentErrors.content('mainSteps is not supported in schema version 1.2. Use runtimeConfig.');
    }
    const runtimeConfig = body['runtimeConfig'];
    if (!isPlainObject(runtimeConfig) || Object.keys(runtimeConfig).length === 0) {
      throw documentErrors.content(
        'The content for the document is not valid. runtimeConfig must name at least one plugin.',
      );
    }
    for (const [plugin, config] of Object.entries(runtimeConfig)) {
      const supported = COMMAND_PLUGINS[plugin];
      if (!supported) throw documentErrors.content(`Plugin ${plugin} is not supported.`);
      if (
        !isPlainObject(config) ||
        (!Array.isArray(config['properties']) && !isPlainObject(config['properties']))
      ) {
        throw documentErrors.content(
          `The content for the document is not valid. Plugin ${plugin} needs properties.`,
        );
      }
      supported.forEach((p) => platforms.add(p));
    }
    return orderPlatforms(platforms);
  }
  if (body['runtimeConfig'] !== undefined) {
    throw documentErrors.content(
      `runtimeConfig is not supported in schema version ${schemaVersion}. Use mainSteps.`,
    );
  }
  for (const step of stepsOf(body)) {
    const action = step['action'] as string;
    const supported = COMMAND_PLUGINS[action];
    if (!supported) throw documentErrors.content(`Action ${action} is not supported.`);
    let stepPlatforms: readonly string[] = supported;
    if (step['precondition'] !== undefined) {
      if (schemaVersion !== '2.2') {
        throw documentErrors.content('Preconditions are only supported in schema version 2.2.');
      }
      const only = checkPrecondition(step['name'] as string, step['precondition']);
      if (only) stepPlatforms = supported.filter((p) => p === only);
    }
    stepPlatforms.forEach((p) => platforms.add(p));
  }
  return orderPlatforms(platforms);
}

function automationChecks(body: Body): void {
  for (const step of stepsOf(body)) {
    if (!(step['action'] as string).startsWith('aws:')) {
      throw documentErrors.content(`Action ${String(step['action'])} is not supported.`);
    }
  }
  if (body['assumeRole'] !== undefined && typeof body['assumeRole'] !== 'string') {
    throw documentErrors.content('The content for the document is not valid. assumeRole must be a string.');
  }
}

/**
 * Validates a parsed document for its type and derives what DescribeDocument reports. Throws
 * InvalidDocumentContent or InvalidDocumentSchemaVersion.
 */
export function analyse(body: Body, documentType: string): Analysis {
  const schemaVersion = schemaVersionOf(body);
  const accepted = SCHEMA_VERSIONS[documentType] ?? [];
  if (!accepted.includes(schemaVersion)) {
    throw documentErrors.schemaVersion(
      `Document schema version, ${schemaVersion}, is not supported by documents of type ${documentType}. Supported schema versions: ${accepted.join(', ')}.`,
    );
  }
  const description = body['description'];
  if (description !== undefined && typeof description !== 'string') {
    throw documentErrors.content('The content for the document is not valid. description must be a string.');
  }
  const declared = declaredParameters(body, documentType);
  for (const [name, p] of declared) {
    // Patterns run on RE2 (core/patterns.ts); one it cannot run is refused here, as Parameter Store
    // refuses such an AllowedPattern. The wording is ssm-local's.
    if (p.allowedPattern !== undefined && !compileUserPattern(p.allowedPattern)) {
      throw documentErrors.content(
        `Parameter "${name}" is not valid: allowedPattern "${p.allowedPattern}" is not a valid regular expression (lookaround and backreferences are not supported).`,
      );
    }
  }
  let platformTypes: string[];
  if (documentType === 'Command' || documentType === 'Policy') {
    platformTypes = commandPlatforms(body, schemaVersion);
  } else if (documentType.startsWith('Automation')) {
    automationChecks(body);
    platformTypes = ALL_PLATFORMS;
  } else {
    if (typeof body['sessionType'] !== 'string') {
      throw documentErrors.content('The content for the document is not valid. sessionType is missing.');
    }
    platformTypes = ALL_PLATFORMS;
  }
  const parameters: ParameterSummary[] = [...declared].map(([name, p]) => ({
    Name: name,
    Type: p.type,
    ...(p.description !== undefined ? { Description: p.description } : {}),
    ...(p.default !== undefined && p.default !== null ? { DefaultValue: defaultValueText(p.default) } : {}),
  }));
  return {
    schemaVersion,
    ...(typeof description === 'string' ? { description } : {}),
    parameters,
    platformTypes,
  };
}
