// GetParametersByPath: the parameters one level under a path (or every level with Recursive), in name
// order, at most 10 a page. "/" is the root: with Recursive it lists every parameter of the region.
// A Label filter returns the labelled version of each parameter rather than its latest. Public
// parameters are listed under /aws/ paths.
import type { GetParametersByPathRequest, GetParametersByPathResult, Parameter } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { parameterErrors } from './errors.js';
import { parametersPage, type NamedRow } from './paging.js';
import { checkByPathFilters, matches, type CheckedFilter } from './filters.js';
import { normalisePath, rooted, underPath } from './names.js';
import { publicParameters } from './public.js';
import { parametersState, type ParameterVersion, type StoredParameter } from './state.js';
import { parameterView, publicView } from './view.js';

const OPERATION = 'GetParametersByPath';

type Row = NamedRow<Parameter>;

function pickVersion(
  key: string,
  parameter: StoredParameter,
  label: CheckedFilter | undefined,
  others: CheckedFilter[],
): ParameterVersion | undefined {
  const version = label
    ? parameter.versions.find((v) => v.labels.some((l) => label.values!.includes(l)))
    : parameter.versions[parameter.versions.length - 1];
  if (!version) return undefined;
  const subject = { key, ...version, tags: parameter.tags };
  return others.every((filter) => matches(filter, subject)) ? version : undefined;
}

export function getParametersByPath(
  input: GetParametersByPathRequest,
  ctx: RequestContext,
): GetParametersByPathResult {
  const path = normalisePath(input.Path!);
  if (path === undefined) throw parameterErrors.invalidPath();
  const filters = checkByPathFilters(input.ParameterFilters);
  const label = filters.find((filter) => filter.key === 'Label');
  const others = filters.filter((filter) => filter.key !== 'Label');
  const recursive = input.Recursive === true;
  const rows: Row[] = [];

  if (path === '/aws' || path.startsWith('/aws/')) {
    if (!label) {
      for (const found of publicParameters(ctx.region)) {
        if (!underPath(found.key, path, recursive)) continue;
        const subject = { ...found, tier: 'Standard', labels: [], tags: [] };
        if (!others.every((filter) => matches(filter, subject))) continue;
        rows.push({ sortName: found.name, view: () => publicView(ctx, found, found.name) });
      }
    }
  } else {
    const state = parametersState(ctx);
    for (const [key, parameter] of Object.entries(state.parameters)) {
      if (!underPath(key, path, recursive)) continue;
      const version = pickVersion(key, parameter, label, others);
      if (!version) continue;
      rows.push({
        sortName: rooted(key),
        view: () => parameterView(ctx, key, version, parameter.name, input.WithDecryption),
      });
    }
  }

  return parametersPage(OPERATION, rows, input);
}
