// DescribeInstancePatches: the patches the instance's last patching run recorded, by KBId, filtered by
// Classification, KBId, Severity or State (a patch matches a filter when it equals one of its values;
// State takes either the API's INSTALLED_OTHER or the guide's InstalledOther), paged by KBId.
import type {
  DescribeInstancePatchesRequest,
  DescribeInstancePatchesResult,
  PatchOrchestratorFilter,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { pageAfterKey } from '../../core/pagination.js';
import { FLEET } from '../../instances/api.js';
import { patchStateErrors } from './errors.js';
import { findRecord, patchStatesState, type StoredPatch } from './state.js';
import { patchView } from './views.js';

const OPERATION = 'DescribeInstancePatches';
const DEFAULT_MAX_RESULTS = 50;
const KEYS = ['Classification', 'KBId', 'Severity', 'State'] as const;

const stateWord = (value: string): string => value.replace(/_/g, '').toLowerCase();

function patchTest(filter: PatchOrchestratorFilter): (patch: StoredPatch) => boolean {
  const key = KEYS.find((k) => k === filter.Key);
  if (!key) {
    throw patchStateErrors.invalidFilter(
      `Filter key ${filter.Key ?? 'null'} is not supported: use ${KEYS.join(', ')}.`,
    );
  }
  const values = filter.Values ?? [];
  if (values.length === 0) throw patchStateErrors.invalidFilter(`Filter ${key} needs at least one value.`);
  if (key === 'State') {
    const wanted = new Set(values.map(stateWord));
    return (patch) => wanted.has(stateWord(patch.State));
  }
  return (patch) => values.includes(patch[key]);
}

export async function describeInstancePatches(
  input: DescribeInstancePatchesRequest,
  ctx: RequestContext,
): Promise<DescribeInstancePatchesResult> {
  const instanceId = input.InstanceId!;
  const tests = (input.Filters ?? []).map(patchTest);
  const record = findRecord(patchStatesState(ctx.scope), instanceId);
  if (!record) {
    const instance = await ctx.services.registry.find(FLEET)?.get(ctx.accountId, ctx.region, instanceId);
    if (!instance) throw patchStateErrors.invalidInstanceId(instanceId, ctx.accountId);
  }
  const patches = (record?.patches ?? []).filter((patch) => tests.every((test) => test(patch)));
  const page = pageAfterKey(
    OPERATION,
    patches,
    (patch) => patch.KBId,
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  return { Patches: page.items.map(patchView), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}
