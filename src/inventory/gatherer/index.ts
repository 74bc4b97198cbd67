// STUB (to be replaced): the aws:softwareInventory plugin.
import type { Capability } from '../../core/capability.js';
import { RUN_COMMAND } from '../../commands/api.js';
import { INVENTORY } from '../api.js';

export function gathererCapability(): Capability {
  return { name: 'inventory-gatherer', needs: [RUN_COMMAND, INVENTORY] };
}
