// Automation: runbooks (documents of type Automation, schema 0.3) run by a real engine against the
// Docker fleet and the emulator's own state (model.ts describes the parts).
//
// What differs from real SSM: each part's header says it for its own work (engine/index.ts for
// starting, stepping, signals, quotas and restarts; handlers/ for the listings; actions/instances.ts,
// actions/script/index.ts, actions/aws-api.ts, actions/branch.ts and actions/select.ts for the
// actions). In short:
// - Every action really acts: commands run in the containers, scripts in a runner container,
//   instance state changes stop, start and remove containers, images are committed containers, API
//   calls reach the emulator's own API (Service ssm only; other services fail the step).
// - Runbooks are checked when started, not when created; most error texts are ours where AWS's are
//   not recorded. Executions are kept without AWS's 30-day retention.
// - One caller per account (arn:aws:iam::<account>:user/ssm-local): approvals count signals, not
//   distinct approvers. No cross-account or multi-Region runs (TargetLocations), no CloudWatch, no
//   notifications, no Change Manager.
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
