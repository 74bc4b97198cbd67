// DescribeAutomationExecutions: this account and region's executions, newest first, filtered (the
// values of one filter are alternatives, filters of different keys must all match) and paginated
// (MaxResults 1..50, default 50).
//
// The keys: DocumentNamePrefix (a prefix of DocumentName), ExecutionStatus (an
// AutomationExecutionStatus), ExecutionId, ParentExecutionId, CurrentAction, StartTimeBefore and
// StartTimeAfter (a date and time, ISO 8601 or epoch seconds; the bound itself excluded),
// AutomationType (Local or CrossAccount), TagKey (a tag key the execution carries),
// TargetResourceGroup (a Targets entry of Key ResourceGroup with that group), AutomationSubtype
// (ChangeRequest or AccessRequest) and OpsItemId. A status, type, subtype or time that is not one is
// InvalidFilterValue. ssm-local runs no Change Manager requests and opens no OpsItems, so
// AutomationSubtype and OpsItemId match nothing.
import type {
  AutomationExecutionFilter,
  DescribeAutomationExecutionsRequest,
  DescribeAutomationExecutionsResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { pageAfterKey } from '../../core/pagination.js';
import { automationState, type ExecutionRecord } from '../state.js';
import { STATUSES, filterTime, oneOf } from './errors.js';
import { metadataView } from './views.js';

const DEFAULT_MAX_RESULTS = 50;

type Test = (record: ExecutionRecord) => boolean;

/** The test of one filter value. Throws InvalidFilterValue for a value its key cannot take. */
function valueTest(key: string, value: string): Test {
  switch (key) {
    case 'DocumentNamePrefix':
      return (r) => r.documentName.startsWith(value);
    case 'ExecutionStatus':
      oneOf(key, value, STATUSES);
      return (r) => r.status === value;
    case 'ExecutionId':
      return (r) => r.automationExecutionId === value;
    case 'ParentExecutionId':
      return (r) => r.parentAutomationExecutionId === value;
    case 'CurrentAction':
      return (r) => r.currentAction === value;
    case 'StartTimeBefore': {
      const at = filterTime(key, value);
      return (r) => r.startTime < at;
    }
    case 'StartTimeAfter': {
      const at = filterTime(key, value);
      return (r) => r.startTime > at;
    }
    case 'AutomationType':
      oneOf(key, value, ['Local', 'CrossAccount']);
      return (r) => r.automationType === value;
    case 'TagKey':
      return (r) => r.tags.some((t) => t.Key === value);
    case 'TargetResourceGroup':
      return (r) =>
        (r.targets ?? []).some((t) => t.Key === 'ResourceGroup' && (t.Values ?? []).includes(value));
    case 'AutomationSubtype':
      oneOf(key, value, ['ChangeRequest', 'AccessRequest']);
      return () => false;
    default:
      // OpsItemId: no execution here has one.
      return () => false;
  }
}

function compile(filters: AutomationExecutionFilter[] | undefined): Test {
  const tests = (filters ?? []).map((filter) => {
    const alternatives = (filter.Values ?? []).map((value) => valueTest(filter.Key!, value));
    return (r: ExecutionRecord) => alternatives.some((test) => test(r));
  });
  return (r) => tests.every((test) => test(r));
}

/** Newest first: a key that sorts ascending as the creation order descends. */
function keyOf(record: ExecutionRecord): string {
  return String(Number.MAX_SAFE_INTEGER - record.seq).padStart(16, '0');
}

export function describeAutomationExecutions(
  input: DescribeAutomationExecutionsRequest,
  ctx: RequestContext,
): DescribeAutomationExecutionsResult {
  const test = compile(input.Filters);
  const matching = Object.values(automationState(ctx.scope).executions)
    .filter(test)
    .sort((a, b) => b.seq - a.seq);
  const page = pageAfterKey(
    'DescribeAutomationExecutions',
    matching,
    keyOf,
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  const result: DescribeAutomationExecutionsResult = {
    AutomationExecutionMetadataList: page.items.map(metadataView),
  };
  if (page.nextToken) result.NextToken = page.nextToken;
  return result;
}
