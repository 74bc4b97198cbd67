// StartAutomationExecution, StopAutomationExecution and SendAutomationSignal.
import type { Handlers } from '../../core/capability.js';
import type { AutomationEngine } from './index.js';

export function writeHandlers(_engine: () => AutomationEngine): Handlers {
  return {};
}
