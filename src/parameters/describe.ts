// DescribeParameters: the metadata of this region's parameters, in name order, 10 a page by default
// (at most 50). Public parameters are listed only when a Name filter asks for names under
// /aws/service/. Shared lists the parameters other accounts share with the caller: there is no
// resource sharing here, so it lists none.
import type {
  DescribeParametersRequest,
  DescribeParametersResult,
  ParameterMetadata,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { parameterErrors } from './errors.js';
import { parametersPage, type NamedRow } from './paging.js';
import { checkDescribeFilters, matches, matchesLegacy, type CheckedFilter, type Subject } from './filters.js';
import { rooted } from './names.js';
import { publicParameters } from './public.js';
import { latest, parametersState } from './state.js';
import { metadataView, publicMetadataView } from './view.js';

const OPERATION = 'DescribeParameters';

type Row = NamedRow<ParameterMetadata>;

/** Whether a Name filter reaches into the public namespace. */
function asksForPublic(filters: CheckedFilter[]): boolean {
  const name = filters.find((filter) => filter.key === 'Name');
  if (!name || name.option === 'Contains') return false;
  return (name.values ?? []).some(
    (value) => value.startsWith('/aws/service/') || value.startsWith('aws/service/'),
  );
}

export function describeParameters(
  input: DescribeParametersRequest,
  ctx: RequestContext,
): DescribeParametersResult {
  if (
    input.Filters &&
    input.Filters.length > 0 &&
    input.ParameterFilters &&
    input.ParameterFilters.length > 0
  ) {
    throw parameterErrors.bothFilterKinds();
  }
  const filters = checkDescribeFilters(input.ParameterFilters);
  const legacy = input.Filters ?? [];
  const keep = (subject: Subject): boolean =>
    filters.every((filter) => matches(filter, subject)) &&
    legacy.every((filter) => matchesLegacy(filter, subject));

  const rows: Row[] = [];
  if (input.Shared !== true) {
    const state = parametersState(ctx);
    for (const [key, parameter] of Object.entries(state.parameters)) {
      const current = latest(parameter);
      if (!keep({ key, ...current, tags: parameter.tags })) continue;
      rows.push({ sortName: rooted(key), view: () => metadataView(ctx, key, parameter) });
    }
    if (asksForPublic(filters)) {
      for (const found of publicParameters(ctx.region)) {
        if (!keep({ ...found, tier: 'Standard', labels: [], tags: [] })) continue;
        rows.push({ sortName: found.name, view: () => publicMetadataView(ctx, found) });
      }
    }
  }

  return parametersPage(OPERATION, rows, input);
}
