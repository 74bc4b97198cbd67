// Stores what a patching run found (the instance's patch state and patches) and writes its Patch
// compliance as AWS's payload does: every item of the type replaced (COMPLETE), ExecutionSummary with
// the operation's start time, the snapshot id as ExecutionId and ExecutionType Command.
import { COMPLIANCE } from '../../compliance/api.js';
import type { RequestContext } from '../../core/capability.js';
import type { BaselineRules } from '../model.js';
import { complianceItemsOf, isNonCompliant } from './record.js';
import { findRecord, instanceRecord, patchStatesState, type InstancePatchRecord } from './state.js';

const LEVELS = ['UNSPECIFIED', 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** AWS's NonCompliantSeverity: the highest compliance level of a non-compliant patch, if any. */
export function nonCompliantSeverity(record: InstancePatchRecord, rules: BaselineRules): string | undefined {
  let highest: number | undefined;
  for (const patch of record.patches) {
    if (!isNonCompliant(patch.State, rules)) continue;
    const level = Math.max(0, LEVELS.indexOf(patch.complianceLevel));
    highest = Math.max(highest ?? 1, level); // AWS starts from INFORMATIONAL
  }
  return highest === undefined ? undefined : LEVELS[highest];
}

export async function savePatchRun(
  ctx: RequestContext,
  record: InstancePatchRecord,
  rules: BaselineRules,
): Promise<void> {
  const state = patchStatesState(ctx.scope);
  const instanceId = record.state.instanceId;
  state.instances[instanceId] = record;
  await ctx.persist([instanceRecord(instanceId)]);
  const compliance = ctx.services.registry.find(COMPLIANCE);
  if (!compliance) return;
  await compliance.put(ctx, {
    resourceId: instanceId,
    resourceType: 'ManagedInstance',
    complianceType: 'Patch',
    execution: { time: record.state.operationStartTime, id: record.state.snapshotId, type: 'Command' },
    items: complianceItemsOf(record.patches, record.state, rules),
    uploadType: 'COMPLETE',
  });
}

/** The previous run's record of an instance, if any. */
export function previousRecord(ctx: RequestContext, instanceId: string): InstancePatchRecord | undefined {
  return findRecord(patchStatesState(ctx.scope), instanceId);
}
