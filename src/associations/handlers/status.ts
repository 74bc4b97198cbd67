// UpdateAssociationStatus (legacy): sets the Status of the association made with the legacy
// InstanceId for this document and instance. The same Name, Message and AdditionalInfo again is
// StatusUnchanged.
import type { UpdateAssociationStatusRequest, UpdateAssociationStatusResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { FLEET } from '../../instances/api.js';
import { record } from '../state.js';
import { associationErrors } from './errors.js';
import { resolveAssociation } from './lookup.js';
import { descriptionView } from './views.js';

export async function updateAssociationStatus(
  input: UpdateAssociationStatusRequest,
  ctx: RequestContext,
): Promise<UpdateAssociationStatusResult> {
  const instanceId = input.InstanceId!;
  const instance = await ctx.services.registry.get(FLEET).get(ctx.accountId, ctx.region, instanceId);
  if (!instance) throw associationErrors.invalidInstanceId(instanceId);
  const association = resolveAssociation(ctx, { Name: input.Name!, InstanceId: instanceId });
  const given = input.AssociationStatus!;
  const current = association.legacyStatus;
  if (
    current &&
    current.Name === given.Name &&
    current.Message === given.Message &&
    current.AdditionalInfo === given.AdditionalInfo
  ) {
    throw associationErrors.statusUnchanged();
  }
  association.legacyStatus = {
    Date: new Date(given.Date!).getTime(),
    Name: given.Name!,
    Message: given.Message!,
    ...(given.AdditionalInfo !== undefined ? { AdditionalInfo: given.AdditionalInfo } : {}),
  };
  await ctx.persist([record('associations', association.associationId)]);
  return { AssociationDescription: descriptionView(association) };
}
