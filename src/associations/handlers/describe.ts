// DescribeAssociation: by AssociationId, or by document Name and InstanceId (legacy); the latest
// version, or the AssociationVersion asked for ($LATEST is the latest).
import type { DescribeAssociationRequest, DescribeAssociationResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { associationsState, keys } from '../state.js';
import { associationErrors } from './errors.js';
import { resolveAssociation } from './lookup.js';
import { descriptionView } from './views.js';

export function describeAssociation(
  input: DescribeAssociationRequest,
  ctx: RequestContext,
): DescribeAssociationResult {
  const association = resolveAssociation(ctx, input);
  const asked = input.AssociationVersion;
  if (asked === undefined || asked === '$LATEST' || asked === String(association.version)) {
    return { AssociationDescription: descriptionView(association) };
  }
  const versions = associationsState(ctx.scope).versions;
  const key = keys.version(association.associationId, Number(asked));
  const version = Object.hasOwn(versions, key) ? versions[key] : undefined;
  if (!version) throw associationErrors.invalidVersion(asked);
  return { AssociationDescription: descriptionView(association, version) };
}
