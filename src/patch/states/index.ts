// STUB (to be replaced): AWS-RunPatchBaseline's plugin, instance patch states, Patch compliance.
import type { Handlers, Services } from '../../core/capability.js';
import type { PatchBaselines, PatchScanner } from '../model.js';

export function stateHandlers(): Handlers {
  return {};
}

export function registerPatchPlugin(
  _services: Services,
  _baselines: PatchBaselines,
  _scanner: PatchScanner,
): void {}
