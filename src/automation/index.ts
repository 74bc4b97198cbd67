// Automation: runbooks (documents of type Automation, schema 0.3) run by a real engine against the
// Docker fleet and the emulator's own state (model.ts describes the parts).
//
// What differs from real SSM:
// - (filled in by the engine, the handlers and the actions)
import type { Capability, CapabilityStatus, Services } from '../core/capability.js';
import { RUN_COMMAND } from '../commands/api.js';
import { DOCUMENTS } from '../documents/api.js';
import { FLEET, MACHINES } from '../instances/api.js';
import { errors } from '../protocol/errors.js';
import { automationActions } from './actions/index.js';
import { AutomationEngine } from './engine/index.js';
import { writeHandlers } from './engine/handlers.js';
import { automationTaggable, readHandlers } from './handlers/index.js';

export function automationCapability(): Capability {
  let engine: AutomationEngine | undefined;
  const engineOrFail = (): AutomationEngine => {
    if (!engine) throw errors.internal('The automation capability has not started.');
    return engine;
  };
  return {
    name: 'automation',
    needs: [DOCUMENTS, FLEET, RUN_COMMAND],
    uses: [MACHINES],
    handlers: { ...readHandlers(), ...writeHandlers(engineOrFail) },
    taggable: { Automation: automationTaggable },
    start(services: Services) {
      engine = new AutomationEngine(services);
      engine.useActions(automationActions(services, engine));
    },
    async started() {
      await engine?.recover();
    },
    async stop() {
      await engine?.close();
    },
    status(): CapabilityStatus {
      return engine ? { up: true } : { up: false, detail: 'not started' };
    },
  };
}
