// aws:sleep, aws:pause, aws:approve and aws:executeAutomation (owned by the engine).
import type { ActionDefinition, AutomationEngineApi } from '../model.js';

export function flowActions(_engine: AutomationEngineApi): Record<string, ActionDefinition> {
  return {};
}
