// DescribeInstancePatchStatesForPatchGroup and DescribePatchGroupState: the instances whose last
// patching run recorded them in the patch group (their `Patch Group` tag at that time), their states
// filtered on counts, and how many of them have patches in each state.
import type {
  DescribeInstancePatchStatesForPatchGroupRequest,
  DescribeInstancePatchStatesForPatchGroupResult,
  DescribePatchGroupStateRequest,
  DescribePatchGroupStateResult,
  InstancePatchStateFilter,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { pageAfterKey, sortedByKey } from '../../core/pagination.js';
import { patchStateErrors } from './errors.js';
import { patchStatesState, type PatchCounts, type StoredPatchState } from './state.js';
import { instancePatchStateView } from './views.js';

const OPERATION = 'DescribeInstancePatchStatesForPatchGroup';
const DEFAULT_MAX_RESULTS = 50;

/** The keys AWS documents for InstancePatchStateFilter. */
const FILTER_KEYS: ReadonlyArray<keyof PatchCounts> = [
  'InstalledCount',
  'InstalledOtherCount',
  'InstalledPendingRebootCount',
  'InstalledRejectedCount',
  'MissingCount',
  'FailedCount',
  'UnreportedNotApplicableCount',
  'NotApplicableCount',
];

function statesOfGroup(ctx: RequestContext, patchGroup: string): StoredPatchState[] {
  return Object.values(patchStatesState(ctx.scope).instances)
    .map((record) => record.state)
    .filter((state) => state.patchGroup === patchGroup);
}

function countTest(filter: InstancePatchStateFilter): (state: StoredPatchState) => boolean {
  const key = FILTER_KEYS.find((k) => k === filter.Key);
  if (!key) {
    throw patchStateErrors.invalidFilter(
      `Filter key ${filter.Key ?? 'null'} is not supported: use ${FILTER_KEYS.join(', ')}.`,
    );
  }
  const raw = filter.Values?.[0] ?? '';
  if (!/^\d+$/.test(raw)) {
    throw patchStateErrors.invalidFilter(
      `The value of filter ${key} must be an integer greater than or equal to 0.`,
    );
  }
  const value = Number(raw);
  switch (filter.Type) {
    case 'Equal':
      return (state) => state.counts[key] === value;
    case 'NotEqual':
      return (state) => state.counts[key] !== value;
    case 'LessThan':
      return (state) => state.counts[key] < value;
    case 'GreaterThan':
      return (state) => state.counts[key] > value;
    default:
      throw patchStateErrors.invalidFilter(`Filter type ${String(filter.Type)} is not supported.`);
  }
}

export function describeInstancePatchStatesForPatchGroup(
  input: DescribeInstancePatchStatesForPatchGroupRequest,
  ctx: RequestContext,
): DescribeInstancePatchStatesForPatchGroupResult {
  const tests = (input.Filters ?? []).map(countTest);
  const states = statesOfGroup(ctx, input.PatchGroup!).filter((state) => tests.every((test) => test(state)));
  const page = pageAfterKey(
    OPERATION,
    sortedByKey(states, (state) => state.instanceId),
    (state) => state.instanceId,
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  return {
    InstancePatchStates: page.items.map(instancePatchStateView),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}

export function describePatchGroupState(
  input: DescribePatchGroupStateRequest,
  ctx: RequestContext,
): DescribePatchGroupStateResult {
  const states = statesOfGroup(ctx, input.PatchGroup!);
  const having = (key: keyof PatchCounts): number => states.filter((state) => state.counts[key] > 0).length;
  return {
    Instances: states.length,
    InstancesWithInstalledPatches: having('InstalledCount'),
    InstancesWithInstalledOtherPatches: having('InstalledOtherCount'),
    InstancesWithInstalledPendingRebootPatches: having('InstalledPendingRebootCount'),
    InstancesWithInstalledRejectedPatches: having('InstalledRejectedCount'),
    InstancesWithMissingPatches: having('MissingCount'),
    InstancesWithFailedPatches: having('FailedCount'),
    InstancesWithNotApplicablePatches: having('NotApplicableCount'),
    InstancesWithUnreportedNotApplicablePatches: having('UnreportedNotApplicableCount'),
    InstancesWithCriticalNonCompliantPatches: having('CriticalNonCompliantCount'),
    InstancesWithSecurityNonCompliantPatches: having('SecurityNonCompliantCount'),
    InstancesWithOtherNonCompliantPatches: having('OtherNonCompliantCount'),
    InstancesWithAvailableSecurityUpdates: having('AvailableSecurityUpdateCount'),
  };
}
