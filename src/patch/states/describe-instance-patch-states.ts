// DescribeInstancePatchStates: the patch state of each instance asked for that has one (an instance
// never patched, or unknown, is left out), in the order asked, paged by position.
import type {
  DescribeInstancePatchStatesRequest,
  DescribeInstancePatchStatesResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { decodeNextToken, encodeNextToken, isIndex } from '../../core/pagination.js';
import { findRecord, patchStatesState, type StoredPatchState } from './state.js';
import { instancePatchStateView } from './views.js';

const OPERATION = 'DescribeInstancePatchStates';
const DEFAULT_MAX_RESULTS = 50;

export function describeInstancePatchStates(
  input: DescribeInstancePatchStatesRequest,
  ctx: RequestContext,
): DescribeInstancePatchStatesResult {
  const state = patchStatesState(ctx.scope);
  const seen = new Set<string>();
  const states: StoredPatchState[] = [];
  for (const instanceId of input.InstanceIds ?? []) {
    if (seen.has(instanceId)) continue;
    seen.add(instanceId);
    const record = findRecord(state, instanceId);
    if (record) states.push(record.state);
  }
  const start = decodeNextToken(OPERATION, input.NextToken, isIndex) ?? 0;
  const max = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const result: DescribeInstancePatchStatesResult = {
    InstancePatchStates: states.slice(start, start + max).map(instancePatchStateView),
  };
  if (start + max < states.length) result.NextToken = encodeNextToken(OPERATION, start + max);
  return result;
}
