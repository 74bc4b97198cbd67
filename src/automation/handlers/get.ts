// GetAutomationExecution: one execution of this account and region with all its step executions
// (StepExecutionsTruncated is always false: ssm-local keeps every step).
import type { GetAutomationExecutionRequest, GetAutomationExecutionResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import type { RegionScope } from '../../store/store.js';
import { automationState, type ExecutionRecord } from '../state.js';
import { automationErrors } from './errors.js';
import { executionView } from './views.js';

/** The execution with this id in the scope's account and region, or AutomationExecutionNotFoundException. */
export function findExecution(scope: RegionScope, executionId: string): ExecutionRecord {
  const { executions } = automationState(scope);
  const record = Object.hasOwn(executions, executionId) ? executions[executionId] : undefined;
  if (!record) throw automationErrors.executionNotFound(executionId);
  return record;
}

export function getAutomationExecution(
  input: GetAutomationExecutionRequest,
  ctx: RequestContext,
): GetAutomationExecutionResult {
  return { AutomationExecution: executionView(findExecution(ctx.scope, input.AutomationExecutionId!)) };
}
