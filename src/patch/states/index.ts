// Patch states: AWS-RunPatchBaseline's Linux step (the aws:runPatchBaseline plugin), what it records
// per instance (patch state, patches, Patch compliance), and the operations that read it:
// DescribeInstancePatchStates, DescribeInstancePatchStatesForPatchGroup, DescribeInstancePatches and
// DescribePatchGroupState.
import { RUN_COMMAND } from '../../commands/api.js';
import type { Handlers, Services } from '../../core/capability.js';
import type { PatchBaselines, PatchScanner } from '../model.js';
import { describeInstancePatchStates } from './describe-instance-patch-states.js';
import { describeInstancePatches } from './describe-instance-patches.js';
import { describeInstancePatchStatesForPatchGroup, describePatchGroupState } from './patch-groups.js';
import { createPatchRunner } from './plugin.js';

export const RUN_PATCH_BASELINE_PLUGIN = 'aws:runPatchBaseline';

export function stateHandlers(): Handlers {
  return {
    DescribeInstancePatchStates: describeInstancePatchStates,
    DescribeInstancePatchStatesForPatchGroup: describeInstancePatchStatesForPatchGroup,
    DescribeInstancePatches: describeInstancePatches,
    DescribePatchGroupState: describePatchGroupState,
  };
}

/** Registers aws:runPatchBaseline with Run Command (call it in start()). */
export function registerPatchPlugin(
  services: Services,
  baselines: PatchBaselines,
  scanner: PatchScanner,
): void {
  services.registry
    .get(RUN_COMMAND)
    .registerPlugin(RUN_PATCH_BASELINE_PLUGIN, createPatchRunner(services, baselines, scanner));
}
