// Patch Manager: patch baselines and patch groups (baselines/), AWS-RunPatchBaseline executed for
// real in the instances with their own package manager (scanner/ in the container, states/ for the
// plugin, instance patch states and Patch compliance).
//
// What differs from real SSM:
// - (filled in by each part)
import { RUN_COMMAND } from '../commands/api.js';
import { COMPLIANCE } from '../compliance/api.js';
import type { Capability, CapabilityStatus, Services } from '../core/capability.js';
import { FLEET } from '../instances/api.js';
import { baselineHandlers, createBaselines, patchBaselineTaggable } from './baselines/index.js';
import type { PatchBaselines } from './model.js';
import { debianScanner } from './scanner/index.js';
import { registerPatchPlugin, stateHandlers } from './states/index.js';

export function patchCapability(): Capability {
  let baselines: PatchBaselines | undefined;
  return {
    name: 'patch',
    needs: [RUN_COMMAND, FLEET],
    uses: [COMPLIANCE],
    handlers: { ...baselineHandlers(), ...stateHandlers() },
    taggable: { PatchBaseline: patchBaselineTaggable },
    start(services: Services) {
      baselines = createBaselines(services);
      registerPatchPlugin(services, baselines, debianScanner());
    },
    status(): CapabilityStatus {
      return baselines ? { up: true } : { up: false, detail: 'not started' };
    },
  };
}
