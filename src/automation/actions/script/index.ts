// aws:executeScript: a Python script run for real in a runner container.
import type { Services } from '../../../core/capability.js';
import type { ActionDefinition } from '../../model.js';

export function scriptActions(_services: Services): Record<string, ActionDefinition> {
  return {};
}
