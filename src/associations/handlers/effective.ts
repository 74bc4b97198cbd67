// DescribeEffectiveInstanceAssociations: the associations that target a managed instance now (by
// InstanceIds, `*`, tags, or the legacy InstanceId), oldest first, each with its latest version and
// the content of the document it applies as a JSON string (MaxResults 1..5, default 5).
import type {
  DescribeEffectiveInstanceAssociationsRequest,
  DescribeEffectiveInstanceAssociationsResult,
  InstanceAssociation,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { pageAfterKey } from '../../core/pagination.js';
import { DOCUMENTS } from '../../documents/api.js';
import { FLEET } from '../../instances/api.js';
import { SsmError } from '../../protocol/errors.js';
import { associationList, type StoredAssociation } from '../state.js';
import { associationErrors } from './errors.js';
import { targetsInstance } from './targets.js';
import { ASSOCIATION_DOCUMENT_TYPES } from './validate.js';
import { sortKey } from './versions.js';

const DEFAULT_MAX_RESULTS = 5;

/** The document content the association applies, or undefined when its document is gone. */
function contentOf(ctx: RequestContext, association: StoredAssociation): string | undefined {
  const { Name, DocumentVersion } = association.settings;
  try {
    const doc = ctx.services.registry
      .get(DOCUMENTS)
      .resolveForExecution(ctx, Name, DocumentVersion, ASSOCIATION_DOCUMENT_TYPES);
    return JSON.stringify(doc.content);
  } catch (error) {
    if (error instanceof SsmError && error.status < 500) return undefined;
    throw error;
  }
}

export async function describeEffectiveInstanceAssociations(
  input: DescribeEffectiveInstanceAssociationsRequest,
  ctx: RequestContext,
): Promise<DescribeEffectiveInstanceAssociationsResult> {
  const instanceId = input.InstanceId!;
  const instance = await ctx.services.registry.get(FLEET).get(ctx.accountId, ctx.region, instanceId);
  if (!instance) throw associationErrors.invalidInstanceId(instanceId);
  const targeting = associationList(ctx.scope).filter((a) => targetsInstance(a, instance));
  const page = pageAfterKey(
    'DescribeEffectiveInstanceAssociations',
    targeting,
    (a) => sortKey(a.seq),
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  const associations: InstanceAssociation[] = [];
  for (const association of page.items) {
    const content = contentOf(ctx, association);
    associations.push({
      AssociationId: association.associationId,
      InstanceId: instanceId,
      ...(content !== undefined ? { Content: content } : {}),
      AssociationVersion: String(association.version),
    });
  }
  const result: DescribeEffectiveInstanceAssociationsResult = { Associations: associations };
  if (page.nextToken) result.NextToken = page.nextToken;
  return result;
}
