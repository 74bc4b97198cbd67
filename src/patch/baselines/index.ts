// STUB (to be replaced): patch baselines and patch groups.
import type { Handlers, Services, TaggableType } from '../../core/capability.js';
import { errors } from '../../protocol/errors.js';
import type { PatchBaselines } from '../model.js';

export function baselineHandlers(): Handlers {
  return {};
}

export function createBaselines(_services: Services): PatchBaselines {
  return {
    effectiveFor: () => {
      throw new Error('patch baselines are not built yet');
    },
    evaluate: () => [],
  };
}

export const patchBaselineTaggable: TaggableType = {
  tags: () => {
    throw errors.invalidResourceId();
  },
};
