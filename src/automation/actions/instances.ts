// aws:runCommand (through Run Command), aws:changeInstanceState and aws:createImage (through the
// instances capability's MACHINES).
import type { Services } from '../../core/capability.js';
import type { ActionDefinition } from '../model.js';

export function instanceActions(_services: Services): Record<string, ActionDefinition> {
  return {};
}
