// CreateDocument: validates the name, type and content, stores version 1 and answers Status
// Creating, as AWS does (DescribeDocument right after shows Active).
import type { CreateDocumentRequest, CreateDocumentResult } from '@aws-sdk/client-ssm';
import { createHash } from 'node:crypto';
import type { RequestContext, Tag } from '../core/capability.js';
import { amazonDocument } from './amazon.js';
import {
  analyse,
  contentBytes,
  MAX_CONTENT_BYTES,
  parseContent,
  SCHEMA_VERSIONS,
  type DocumentFormat,
} from './content.js';
import { documentErrors } from './errors.js';
import { describe, stateOf, type DocumentRecord, type VersionRecord } from './state.js';

/** Prefixes AWS reserves for its own documents (CreateDocument's Name), compared case-insensitively. */
const RESERVED_PREFIXES = ['aws-', 'amazon', 'amzn', 'awsec2', 'awsconfigremediation', 'awssupport'];

export const SUPPORTED_TYPES = Object.keys(SCHEMA_VERSIONS);

/** Parses and validates content for a document type; shared by CreateDocument and UpdateDocument. */
export function buildVersion(
  ctx: RequestContext,
  version: number,
  content: string,
  format: DocumentFormat,
  documentType: string,
  attachments: unknown[] | undefined,
): VersionRecord {
  if (attachments?.length) {
    throw documentErrors.validation('ssm-local does not support document attachments (Attachments).');
  }
  if (contentBytes(content) > MAX_CONTENT_BYTES) throw documentErrors.tooLarge();
  const analysis = analyse(parseContent(content, format), documentType);
  return {
    version,
    content,
    format,
    hash: createHash('sha256').update(content, 'utf8').digest('hex'),
    createdAt: ctx.services.clock.now().getTime(),
    ...analysis,
  };
}

function uniqueTags(tags: CreateDocumentRequest['Tags']): Tag[] {
  const out: Tag[] = [];
  for (const tag of tags ?? []) {
    const existing = out.find((t) => t.Key === tag.Key);
    if (existing) existing.Value = tag.Value!;
    else out.push({ Key: tag.Key!, Value: tag.Value! });
  }
  return out;
}

export async function createDocument(
  input: CreateDocumentRequest,
  ctx: RequestContext,
): Promise<CreateDocumentResult> {
  const name = input.Name!;
  if (RESERVED_PREFIXES.some((p) => name.toLowerCase().startsWith(p))) {
    throw documentErrors.validation(`Invalid document name ${name}`);
  }
  const documentType = input.DocumentType ?? 'Command';
  if (!SUPPORTED_TYPES.includes(documentType)) {
    throw documentErrors.validation(
      `ssm-local does not support documents of type ${documentType} yet. Supported document types: ${SUPPORTED_TYPES.join(', ')}.`,
    );
  }
  const state = stateOf(ctx);
  if (state.documents.some((d) => d.name === name) || amazonDocument(name))
    throw documentErrors.alreadyExists();
  const version = buildVersion(
    ctx,
    1,
    input.Content!,
    input.DocumentFormat ?? 'JSON',
    documentType,
    input.Attachments,
  );
  if (input.VersionName !== undefined) version.versionName = input.VersionName;
  if (input.DisplayName !== undefined) version.displayName = input.DisplayName;
  if (input.TargetType !== undefined) version.targetType = input.TargetType;
  const doc: DocumentRecord = {
    name,
    owner: ctx.accountId,
    documentType,
    defaultVersion: 1,
    latestVersion: 1,
    lastVersion: 1,
    versions: [version],
    tags: uniqueTags(input.Tags),
    ...(input.Requires ? { requires: input.Requires } : {}),
    shares: [],
  };
  state.documents.push(doc);
  await ctx.persist();
  return { DocumentDescription: describe(doc, version, { status: 'Creating' }) };
}
