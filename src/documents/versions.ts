// ListDocumentVersions: every version of a document, oldest first, paginated.
import type { ListDocumentVersionsRequest, ListDocumentVersionsResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { documentErrors } from './errors.js';
import { numberKey, paginate } from './paging.js';
import { requireReadable, versionInfo } from './state.js';

const DEFAULT_MAX_RESULTS = 50;

export function listDocumentVersions(
  input: ListDocumentVersionsRequest,
  ctx: RequestContext,
): ListDocumentVersionsResult {
  const found = requireReadable(ctx, input.Name!);
  const { doc } = found;
  const name = found.own || doc.owner === 'Amazon' ? doc.name : input.Name!;
  let versions = [...doc.versions].sort((a, b) => a.version - b.version);
  if (found.sharedVersion === '$DEFAULT') versions = versions.filter((v) => v.version === doc.defaultVersion);
  if (found.sharedVersion === '$LATEST') versions = versions.filter((v) => v.version === doc.latestVersion);
  if (versions.length === 0) throw documentErrors.notFound();
  const page = paginate(
    'ListDocumentVersions',
    versions,
    (v) => numberKey(v.version),
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  return {
    DocumentVersions: page.items.map((v) => versionInfo(doc, v, name)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}
