// State Manager: associations that apply a document to targets at creation and on a schedule, by
// really running it through Run Command (handlers/ for the API over stored associations, engine.ts
// for schedules, runs, executions, per-instance status, association compliance and restarts).
//
// What differs from real SSM:
// - (filled in by the handlers and the engine)
import type { Capability, CapabilityStatus, Services } from '../core/capability.js';
import { COMPLIANCE } from '../compliance/api.js';
import { RUN_COMMAND } from '../commands/api.js';
import { DOCUMENTS } from '../documents/api.js';
import { FLEET } from '../instances/api.js';
import { errors } from '../protocol/errors.js';
import { AssociationsEngine } from './engine.js';
import { executionHandlers } from './executions.js';
import { associationHandlers, associationTaggable } from './handlers/index.js';

export function associationsCapability(): Capability {
  let engine: AssociationsEngine | undefined;
  const engineOrFail = (): AssociationsEngine => {
    if (!engine) throw errors.internal('The associations capability has not started.');
    return engine;
  };
  return {
    name: 'associations',
    needs: [DOCUMENTS, FLEET, RUN_COMMAND],
    uses: [COMPLIANCE],
    handlers: { ...associationHandlers(engineOrFail), ...executionHandlers(engineOrFail) },
    taggable: { Association: associationTaggable },
    start(services: Services) {
      engine = new AssociationsEngine(services);
    },
    async started() {
      await engine?.recover();
    },
    async stop() {
      await engine?.stop();
    },
    status(): CapabilityStatus {
      return engine ? { up: true } : { up: false, detail: 'not started' };
    },
  };
}
