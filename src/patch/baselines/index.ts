// Patch baselines and patch groups: the baseline API (CreatePatchBaseline, GetPatchBaseline,
// UpdatePatchBaseline, DeletePatchBaseline, DescribePatchBaselines), default baselines and patch
// groups (groups.ts), what AWS knows of patches (catalog.ts), GetDeployablePatchSnapshotForInstance
// (snapshot.ts), the PatchBaseline resource type of the tagging operations, and the PatchBaselines
// service of ../model.ts: which baseline applies to an instance (effectiveFor) and how it judges a
// scan (evaluate, the pure evaluatePatches of evaluate.ts). AWS's predefined baselines come from
// fixtures/patch-baselines.json (predefined.ts).
import type { Handlers, RequestContext, Services, Tag, TaggableType } from '../../core/capability.js';
import type { ManagedInstance } from '../../instances/api.js';
import { errors } from '../../protocol/errors.js';
import type { BaselineRules, EffectiveBaseline, PatchBaselines } from '../model.js';
import {
  describeAvailablePatches,
  describeEffectivePatchesForPatchBaseline,
  describePatchProperties,
} from './catalog.js';
import { createPatchBaseline, deletePatchBaseline, getPatchBaseline, updatePatchBaseline } from './crud.js';
import { describePatchBaselines } from './describe.js';
import { evaluatePatches } from './evaluate.js';
import {
  deregisterPatchBaselineForPatchGroup,
  describePatchGroups,
  getDefaultPatchBaseline,
  getPatchBaselineForPatchGroup,
  groupBaselineId,
  registerDefaultPatchBaseline,
  registerPatchBaselineForPatchGroup,
} from './groups.js';
import { defaultFor, resolveBaseline, rulesOf, type Resolved } from './resolve.js';
import { getDeployablePatchSnapshotForInstance } from './snapshot.js';
import { findBaseline } from './state.js';

export { evaluatePatches } from './evaluate.js';
export { productOf } from './snapshot.js';

/** The instance's patch group: its `Patch Group` tag, else its `PatchGroup` tag (read now). */
export function patchGroupOf(instance: ManagedInstance): string | undefined {
  return (
    instance.tags.find((t) => t.Key === 'Patch Group')?.Value ??
    instance.tags.find((t) => t.Key === 'PatchGroup')?.Value
  );
}

/** The baseline that applies to the instance for an OS: its patch group's, else the OS default. */
export function effectiveFor(
  ctx: RequestContext,
  instance: ManagedInstance,
  operatingSystem: string,
): EffectiveBaseline {
  const patchGroup = patchGroupOf(instance);
  let resolved: Resolved;
  try {
    const id = groupBaselineId(ctx, patchGroup, operatingSystem);
    resolved = id === undefined ? defaultFor(ctx, operatingSystem) : resolveBaseline(ctx, id);
  } catch {
    // A registration whose baseline is gone: the OS default applies.
    resolved = defaultFor(ctx, operatingSystem);
  }
  return {
    ...(patchGroup !== undefined ? { patchGroup } : {}),
    baselineId: resolved.id,
    rules: rulesOf(resolved),
  };
}

export function baselineHandlers(): Handlers {
  const rulesFor = (ctx: RequestContext, instance: ManagedInstance, os: string): BaselineRules =>
    effectiveFor(ctx, instance, os).rules;
  return {
    CreatePatchBaseline: createPatchBaseline,
    GetPatchBaseline: getPatchBaseline,
    UpdatePatchBaseline: updatePatchBaseline,
    DeletePatchBaseline: deletePatchBaseline,
    DescribePatchBaselines: describePatchBaselines,
    RegisterDefaultPatchBaseline: registerDefaultPatchBaseline,
    GetDefaultPatchBaseline: getDefaultPatchBaseline,
    RegisterPatchBaselineForPatchGroup: registerPatchBaselineForPatchGroup,
    DeregisterPatchBaselineForPatchGroup: deregisterPatchBaselineForPatchGroup,
    GetPatchBaselineForPatchGroup: getPatchBaselineForPatchGroup,
    DescribePatchGroups: describePatchGroups,
    DescribePatchProperties: describePatchProperties,
    DescribeAvailablePatches: describeAvailablePatches,
    DescribeEffectivePatchesForPatchBaseline: describeEffectivePatchesForPatchBaseline,
    GetDeployablePatchSnapshotForInstance: getDeployablePatchSnapshotForInstance(rulesFor),
  };
}

export function createBaselines(_services: Services): PatchBaselines {
  return { effectiveFor, evaluate: evaluatePatches };
}

/** A baseline's tags (ResourceType PatchBaseline, ResourceId its pb- id); AWS's own have none to give. */
export const patchBaselineTaggable: TaggableType = {
  tags: (ctx: RequestContext, resourceId: string): Tag[] => {
    const baseline = findBaseline(ctx.scope, resourceId);
    if (!baseline) throw errors.invalidResourceId();
    return baseline.tags;
  },
};
