// The read side: GetAutomationExecution, DescribeAutomationExecutions,
// DescribeAutomationStepExecutions, over the records of ../state.ts, and the Automation resource
// type of the tagging operations (ResourceId: the execution id). errors.ts names every error of the
// Automation API, the engine's included.
import type { Handlers, RequestContext, Tag, TaggableType } from '../../core/capability.js';
import { errors } from '../../protocol/errors.js';
import { automationState } from '../state.js';
import { describeAutomationExecutions } from './describe-executions.js';
import { describeAutomationStepExecutions } from './describe-steps.js';
import { getAutomationExecution } from './get.js';

export function readHandlers(): Handlers {
  return {
    GetAutomationExecution: getAutomationExecution,
    DescribeAutomationExecutions: describeAutomationExecutions,
    DescribeAutomationStepExecutions: describeAutomationStepExecutions,
  };
}

/** An execution's tags (ResourceType Automation, ResourceId its AutomationExecutionId). */
export const automationTaggable: TaggableType = {
  tags: (ctx: RequestContext, resourceId: string): Tag[] => {
    const { executions } = automationState(ctx.scope);
    const record = Object.hasOwn(executions, resourceId) ? executions[resourceId] : undefined;
    if (!record) throw errors.invalidResourceId();
    return record.tags;
  },
};
