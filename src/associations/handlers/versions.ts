// ListAssociationVersions: every version of one association, oldest first, each with the settings
// it was made with (MaxResults 1..50, default 50).
import type { ListAssociationVersionsRequest, ListAssociationVersionsResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { pageAfterKey } from '../../core/pagination.js';
import { associationsState, type StoredVersion } from '../state.js';
import { requireAssociation } from './lookup.js';
import { versionView } from './views.js';

const DEFAULT_MAX_RESULTS = 50;

/** A string key that sorts as the number does. */
export const sortKey = (n: number): string => String(n).padStart(12, '0');

export function listAssociationVersions(
  input: ListAssociationVersionsRequest,
  ctx: RequestContext,
): ListAssociationVersionsResult {
  const association = requireAssociation(ctx, input.AssociationId!);
  const prefix = `${association.associationId}/`;
  const versions: StoredVersion[] = Object.entries(associationsState(ctx.scope).versions)
    .filter(([key]) => key.startsWith(prefix))
    .map(([, version]) => version)
    .sort((a, b) => a.version - b.version);
  const page = pageAfterKey(
    'ListAssociationVersions',
    versions,
    (v) => sortKey(v.version),
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  const result: ListAssociationVersionsResult = { AssociationVersions: page.items.map(versionView) };
  if (page.nextToken) result.NextToken = page.nextToken;
  return result;
}
