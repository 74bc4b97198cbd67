// UpdateDocument (a new latest version; the default version stays where it is) and
// UpdateDocumentDefaultVersion.
import type {
  UpdateDocumentDefaultVersionRequest,
  UpdateDocumentDefaultVersionResult,
  UpdateDocumentRequest,
  UpdateDocumentResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { buildVersion } from './create.js';
import { documentErrors } from './errors.js';
import { describe, latestVersionOf, requireOwn, selectVersion, versionByNumber } from './state.js';

/** AWS's quota: at most 1,000 versions of one document. */
export const MAX_VERSIONS = 1000;

export async function updateDocument(
  input: UpdateDocumentRequest,
  ctx: RequestContext,
): Promise<UpdateDocumentResult> {
  const doc = requireOwn(ctx, input.Name!);
  const latest = latestVersionOf(doc);
  // Only the latest version can be updated: by number or $LATEST.
  if (input.DocumentVersion !== undefined) {
    const chosen = selectVersion(doc, input.DocumentVersion, undefined);
    if (chosen !== latest) throw documentErrors.versionNotFound();
  }
  if (latest.schemaVersion === '1.2') {
    throw documentErrors.schemaVersion(
      'Documents with schema version 1.2 can not be updated. Create a new document with schema version 2.2 instead.',
    );
  }
  const next = doc.lastVersion + 1;
  const version = buildVersion(
    ctx,
    next,
    input.Content!,
    input.DocumentFormat ?? 'JSON',
    doc.documentType,
    input.Attachments,
  );
  if (version.schemaVersion === '1.2') {
    throw documentErrors.schemaVersion(
      'A document can not be updated to schema version 1.2. Use schema version 2.2.',
    );
  }
  if (input.VersionName !== undefined && doc.versions.some((v) => v.versionName === input.VersionName)) {
    throw documentErrors.duplicateVersionName();
  }
  if (doc.versions.some((v) => v.hash === version.hash)) throw documentErrors.duplicateContent();
  if (doc.versions.length >= MAX_VERSIONS) throw documentErrors.tooManyVersions();
  if (input.VersionName !== undefined) version.versionName = input.VersionName;
  const displayName = input.DisplayName ?? latest.displayName;
  if (displayName !== undefined) version.displayName = displayName;
  const targetType = input.TargetType ?? latest.targetType;
  if (targetType !== undefined) version.targetType = targetType;
  doc.versions.push(version);
  doc.latestVersion = next;
  doc.lastVersion = next;
  await ctx.persist();
  return { DocumentDescription: describe(doc, version, { status: 'Updating' }) };
}

export async function updateDocumentDefaultVersion(
  input: UpdateDocumentDefaultVersionRequest,
  ctx: RequestContext,
): Promise<UpdateDocumentDefaultVersionResult> {
  const doc = requireOwn(ctx, input.Name!);
  const version = versionByNumber(doc, Number(input.DocumentVersion));
  if (!version) throw documentErrors.versionNotFound();
  doc.defaultVersion = version.version;
  await ctx.persist();
  return {
    Description: {
      Name: doc.name,
      DefaultVersion: String(version.version),
      ...(version.versionName !== undefined ? { DefaultVersionName: version.versionName } : {}),
    },
  };
}
