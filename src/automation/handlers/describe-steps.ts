// DescribeAutomationStepExecutions: the step executions of one execution, in the order they ran
// (ReverseOrder: the last first), filtered (the values of one filter are alternatives, filters of
// different keys must all match) and paginated (MaxResults 1..50, default 50).
//
// The keys: StepName, Action, StepExecutionId, StepExecutionStatus (an AutomationExecutionStatus),
// StartTimeBefore and StartTimeAfter (a date and time, ISO 8601 or epoch seconds; the bound itself
// excluded; a step that has not started matches neither), and ParentStepExecutionId,
// ParentStepIteration (an integer), ParentStepIteratorValue, which match the steps an aws:loop ran:
// ssm-local has no aws:loop, so they match nothing. A status, iteration or time that is not one is
// InvalidFilterValue.
import type {
  DescribeAutomationStepExecutionsRequest,
  DescribeAutomationStepExecutionsResult,
  StepExecutionFilter,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { decodeNextToken, encodeNextToken } from '../../core/pagination.js';
import { errors } from '../../protocol/errors.js';
import type { StepRecord } from '../state.js';
import { STATUSES, automationErrors, filterTime, oneOf } from './errors.js';
import { findExecution } from './get.js';
import { stepView } from './views.js';

const OPERATION = 'DescribeAutomationStepExecutions';
const DEFAULT_MAX_RESULTS = 50;

type Test = (step: StepRecord) => boolean;

function valueTest(key: string, value: string): Test {
  switch (key) {
    case 'StepName':
      return (s) => s.stepName === value;
    case 'Action':
      return (s) => s.action === value;
    case 'StepExecutionId':
      return (s) => s.stepExecutionId === value;
    case 'StepExecutionStatus':
      oneOf(key, value, STATUSES);
      return (s) => s.status === value;
    case 'StartTimeBefore': {
      const at = filterTime(key, value);
      return (s) => s.startTime !== undefined && s.startTime < at;
    }
    case 'StartTimeAfter': {
      const at = filterTime(key, value);
      return (s) => s.startTime !== undefined && s.startTime > at;
    }
    case 'ParentStepIteration':
      if (!/^\d+$/.test(value)) throw automationErrors.invalidFilterValue(key, value, 'an integer');
      return () => false;
    default:
      // ParentStepExecutionId, ParentStepIteratorValue: no step here ran inside an aws:loop.
      return () => false;
  }
}

function compile(filters: StepExecutionFilter[] | undefined): Test {
  const tests = (filters ?? []).map((filter) => {
    const alternatives = (filter.Values ?? []).map((value) => valueTest(filter.Key!, value));
    return (s: StepRecord) => alternatives.some((test) => test(s));
  });
  return (s) => tests.every((test) => test(s));
}

/** Where a page ends: the execution and the last step execution it showed. */
interface Position {
  executionId: string;
  after: string;
}

const isPosition = (value: unknown): value is Position =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Position).executionId === 'string' &&
  typeof (value as Position).after === 'string';

export function describeAutomationStepExecutions(
  input: DescribeAutomationStepExecutionsRequest,
  ctx: RequestContext,
): DescribeAutomationStepExecutionsResult {
  const executionId = input.AutomationExecutionId!;
  const record = findExecution(ctx.scope, executionId);
  const test = compile(input.Filters);
  const ordered = input.ReverseOrder ? [...record.steps].reverse() : record.steps;
  const matching = ordered.filter(test);
  // Resume after the step execution the token names, wherever it now sits (steps are only added).
  const position = decodeNextToken(OPERATION, input.NextToken, isPosition);
  let start = 0;
  if (position) {
    if (position.executionId !== executionId) throw errors.invalidNextToken();
    const at = matching.findIndex((s) => s.stepExecutionId === position.after);
    if (at < 0) throw errors.invalidNextToken();
    start = at + 1;
  }
  const maxResults = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const items = matching.slice(start, start + maxResults);
  const result: DescribeAutomationStepExecutionsResult = {
    StepExecutions: items.map((step) => stepView(record, step)),
  };
  const last = items[items.length - 1];
  if (start + maxResults < matching.length && last) {
    result.NextToken = encodeNextToken<Position>(OPERATION, { executionId, after: last.stepExecutionId });
  }
  return result;
}
