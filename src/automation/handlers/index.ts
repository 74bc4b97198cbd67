// The read side: GetAutomationExecution, DescribeAutomationExecutions,
// DescribeAutomationStepExecutions, over the records of ../state.ts.
import type { Handlers } from '../../core/capability.js';

export function readHandlers(): Handlers {
  return {};
}
