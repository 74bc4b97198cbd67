// STUB (to be replaced): Inventory.
import type { Capability, Services } from '../core/capability.js';
import { INVENTORY } from './api.js';

export function inventoryCapability(): Capability {
  return {
    name: 'inventory',
    provides: [INVENTORY],
    start(services: Services) {
      services.registry.provide(INVENTORY, { putGathered: () => Promise.resolve() });
    },
  };
}
