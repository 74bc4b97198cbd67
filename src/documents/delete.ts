// DeleteDocument: the whole document, or one version chosen by DocumentVersion and/or VersionName.
// The default version can't be deleted on its own, and a shared document must be unshared first.
import type { DeleteDocumentRequest, DeleteDocumentResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { documentErrors } from './errors.js';
import { requireOwn, selectVersion, stateOf } from './state.js';

export async function deleteDocument(
  input: DeleteDocumentRequest,
  ctx: RequestContext,
): Promise<DeleteDocumentResult> {
  const doc = requireOwn(ctx, input.Name!);
  if (doc.shares.length > 0) throw documentErrors.stillShared();
  const state = stateOf(ctx);
  if (input.DocumentVersion === undefined && input.VersionName === undefined) {
    state.documents.splice(state.documents.indexOf(doc), 1);
    await ctx.persist();
    return {};
  }
  const target = selectVersion(doc, input.DocumentVersion, input.VersionName);
  if (target.version === doc.defaultVersion) {
    throw documentErrors.operation(
      'The default version of a document can not be deleted. Change the default version, or delete all versions of the document.',
    );
  }
  doc.versions = doc.versions.filter((v) => v !== target);
  doc.latestVersion = Math.max(...doc.versions.map((v) => v.version));
  await ctx.persist();
  return {};
}
