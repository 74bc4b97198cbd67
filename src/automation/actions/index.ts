// Every action the engine runs, by name. The flow actions (aws:sleep, aws:pause, aws:approve,
// aws:executeAutomation) are the engine's own (engine/flow-actions.ts); the others live here.
import type { Services } from '../../core/capability.js';
import type { ActionDefinition, AutomationEngineApi } from '../model.js';
import { flowActions } from '../engine/flow-actions.js';
import { awsApiActions } from './aws-api.js';
import { branchAction } from './branch.js';
import { instanceActions } from './instances.js';
import { scriptActions } from './script/index.js';

export function automationActions(
  services: Services,
  engine: AutomationEngineApi,
): Map<string, ActionDefinition> {
  return new Map<string, ActionDefinition>([
    ...Object.entries(flowActions(engine)),
    ['aws:branch', branchAction],
    ...Object.entries(instanceActions(services)),
    ...Object.entries(scriptActions(services)),
    ...Object.entries(awsApiActions()),
  ]);
}
