// DescribePatchBaselines: AWS's predefined baselines of the region, then the account's own (oldest
// first), filtered by NAME_PREFIX, OWNER (AWS, Self or All) and OPERATING_SYSTEM (a baseline must
// match every filter, and any value of one), MaxResults 1..100 (default 100).
import type {
  DescribePatchBaselinesRequest,
  DescribePatchBaselinesResult,
  PatchOrchestratorFilter,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { pageAfterKey } from '../../core/pagination.js';
import { baselineErrors } from './errors.js';
import { predefinedBaselines } from './predefined.js';
import { identityOf, type Resolved, settingsOf } from './resolve.js';
import { baselinesState } from './state.js';

const DEFAULT_MAX_RESULTS = 100;

/** Every baseline the account sees, each with a key that orders it (predefined first). */
export function allBaselines(ctx: RequestContext): Array<{ key: string; resolved: Resolved }> {
  const aws = predefinedBaselines(ctx.region).map((predefined, index) => ({
    key: `0:${String(index).padStart(4, '0')}`,
    resolved: { kind: 'aws', id: predefined.arn, predefined } as Resolved,
  }));
  const own = Object.values(baselinesState(ctx.scope).baselines)
    .sort((a, b) => a.seq - b.seq)
    .map((baseline) => ({
      key: `1:${String(baseline.seq).padStart(10, '0')}`,
      resolved: { kind: 'own', id: baseline.baselineId, baseline } as Resolved,
    }));
  return [...aws, ...own];
}

type Test = (resolved: Resolved) => boolean;

function filterTest(filter: PatchOrchestratorFilter): Test {
  const values = filter.Values ?? [];
  switch (filter.Key) {
    case 'NAME_PREFIX':
      return (r) => values.some((v) => settingsOf(r).Name.startsWith(v));
    case 'OWNER':
      return (r) =>
        values.some(
          (v) => v === 'All' || (v === 'AWS' ? r.kind === 'aws' : v === 'Self' && r.kind === 'own'),
        );
    case 'OPERATING_SYSTEM':
      return (r) => values.includes(settingsOf(r).OperatingSystem);
    default:
      throw baselineErrors.validation(
        `The filter key ${String(filter.Key)} is not valid. Valid keys: NAME_PREFIX, OWNER, OPERATING_SYSTEM.`,
      );
  }
}

export function describePatchBaselines(
  input: DescribePatchBaselinesRequest,
  ctx: RequestContext,
): DescribePatchBaselinesResult {
  const tests = (input.Filters ?? []).map(filterTest);
  const matching = allBaselines(ctx).filter(({ resolved }) => tests.every((test) => test(resolved)));
  const page = pageAfterKey(
    'DescribePatchBaselines',
    matching,
    (entry) => entry.key,
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  return {
    BaselineIdentities: page.items.map(({ resolved }) => identityOf(ctx, resolved)),
    ...(page.nextToken ? { NextToken: page.nextToken } : {}),
  };
}
