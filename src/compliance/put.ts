// PutComplianceItems: checks what the model cannot state (the resource type and the managed instance,
// the compliance type, PARTIAL for associations only, item ids, sizes, the custom type limit), then
// stores exactly what the COMPLIANCE service's put() stores.
import type { PutComplianceItemsRequest, PutComplianceItemsResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { FLEET } from '../instances/api.js';
import type { ComplianceEntry } from './api.js';
import { MAX_CUSTOM_TYPES, MAX_ITEM_BYTES, MAX_TOTAL_BYTES, complianceErrors } from './errors.js';
import { MANAGED_INSTANCE, applyWrite, customTypesOf, stateOf } from './state.js';

const AWS_TYPES = new Set(['Association', 'Patch']);

function checkItems(complianceType: string, partial: boolean, items: ComplianceEntry[]): void {
  const seen = new Set<string>();
  let totalBytes = 0;
  for (const item of items) {
    if (item.Id === undefined) {
      if (partial) throw complianceErrors.partialItemWithoutId(complianceType);
    } else {
      if (seen.has(item.Id)) throw complianceErrors.duplicateItemId(complianceType, item.Id);
      seen.add(item.Id);
    }
    const bytes = Buffer.byteLength(JSON.stringify(item));
    if (bytes > MAX_ITEM_BYTES) throw complianceErrors.itemSize(complianceType);
    totalBytes += bytes;
  }
  if (totalBytes > MAX_TOTAL_BYTES) throw complianceErrors.totalSize();
}

export async function putComplianceItems(
  input: PutComplianceItemsRequest,
  ctx: RequestContext,
): Promise<PutComplianceItemsResult> {
  // The model makes these members required, so validation has already refused a request without them.
  const resourceId = input.ResourceId!;
  const complianceType = input.ComplianceType!;
  const partial = input.UploadType === 'PARTIAL';
  if (input.ResourceType !== MANAGED_INSTANCE) throw complianceErrors.invalidResourceType();
  if (!complianceType.startsWith('Custom:') && !AWS_TYPES.has(complianceType)) {
    throw complianceErrors.unknownComplianceType(complianceType);
  }
  if (partial && complianceType !== 'Association')
    throw complianceErrors.partialNotAssociation(complianceType);

  const instance = await ctx.services.registry.get(FLEET).get(ctx.accountId, ctx.region, resourceId);
  if (!instance) throw complianceErrors.invalidResourceId();

  const items: ComplianceEntry[] = (input.Items ?? []).map((item) => ({
    ...(item.Id !== undefined ? { Id: item.Id } : {}),
    ...(item.Title !== undefined ? { Title: item.Title } : {}),
    Severity: item.Severity!,
    Status: item.Status!,
    ...(item.Details !== undefined ? { Details: item.Details } : {}),
  }));
  checkItems(complianceType, partial, items);

  if (complianceType.startsWith('Custom:')) {
    const held = customTypesOf(stateOf(ctx.scope), MANAGED_INSTANCE, resourceId);
    // Emptying a type (COMPLETE with no items) is always allowed: it frees a place.
    if (!held.includes(complianceType) && held.length >= MAX_CUSTOM_TYPES && items.length > 0) {
      throw complianceErrors.typeCountLimit();
    }
  }

  const execution = input.ExecutionSummary!;
  await applyWrite(ctx, {
    resourceId,
    resourceType: MANAGED_INSTANCE,
    complianceType,
    execution: {
      time: execution.ExecutionTime!.getTime(),
      ...(execution.ExecutionId !== undefined ? { id: execution.ExecutionId } : {}),
      ...(execution.ExecutionType !== undefined ? { type: execution.ExecutionType } : {}),
    },
    items,
    uploadType: partial ? 'PARTIAL' : 'COMPLETE',
    ...(input.ItemContentHash !== undefined ? { contentHash: input.ItemContentHash } : {}),
  });
  return {};
}
