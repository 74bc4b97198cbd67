// STUB (to be replaced): Compliance.
import type { Capability, Services } from '../core/capability.js';
import { COMPLIANCE } from './api.js';

export function complianceCapability(): Capability {
  return {
    name: 'compliance',
    provides: [COMPLIANCE],
    start(services: Services) {
      services.registry.provide(COMPLIANCE, {
        put: () => Promise.resolve(),
        remove: () => Promise.resolve(),
      });
    },
  };
}
