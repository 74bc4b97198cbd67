// ListAssociations: this account and region's associations, oldest first, filtered by
// AssociationFilterList (each filter is an equality, except LastExecutedBefore/After which compare
// the last execution date; filters of different keys must all match, filters of one key any of
// them) and paginated (MaxResults 1..50, default 50).
import type { AssociationFilter, ListAssociationsRequest, ListAssociationsResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { pageAfterKey } from '../../core/pagination.js';
import { associationList, type StoredAssociation } from '../state.js';
import { associationErrors } from './errors.js';
import { sortKey } from './versions.js';
import { listView } from './views.js';
import { byKeyFilters } from '../../core/key-filters.js';

const DEFAULT_MAX_RESULTS = 50;

function dateValue(filter: AssociationFilter): number {
  const value = filter.value!;
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw associationErrors.invalidFilterValue(filter.key!, value);
  return ms;
}

type Test = (association: StoredAssociation) => boolean;

function filterTest(filter: AssociationFilter): Test {
  const value = filter.value!;
  switch (filter.key) {
    case 'InstanceId':
      return ({ settings }) =>
        settings.InstanceId === value ||
        (settings.Targets ?? []).some((t) => t.Key === 'InstanceIds' && (t.Values ?? []).includes(value));
    case 'Name':
      return ({ settings }) => settings.Name === value;
    case 'AssociationId':
      return (a) => a.associationId === value;
    case 'AssociationStatusName':
      return (a) => a.overview.Status === value;
    case 'AssociationName':
      return ({ settings }) => settings.AssociationName === value;
    case 'ResourceGroupName':
      return ({ settings }) =>
        (settings.Targets ?? []).some(
          (t) => t.Key === 'resource-groups:Name' && (t.Values ?? []).includes(value),
        );
    case 'LastExecutedBefore': {
      const at = dateValue(filter);
      return (a) => a.lastExecutionAt !== undefined && a.lastExecutionAt < at;
    }
    case 'LastExecutedAfter': {
      const at = dateValue(filter);
      return (a) => a.lastExecutionAt !== undefined && a.lastExecutionAt > at;
    }
    default:
      return () => false;
  }
}

function compile(filters: AssociationFilter[] | undefined): Test {
  return byKeyFilters(filters, filterTest);
}

export function listAssociations(
  input: ListAssociationsRequest,
  ctx: RequestContext,
): ListAssociationsResult {
  const test = compile(input.AssociationFilterList);
  const matching = associationList(ctx.scope).filter(test);
  const page = pageAfterKey(
    'ListAssociations',
    matching,
    (a) => sortKey(a.seq),
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  const result: ListAssociationsResult = { Associations: page.items.map(listView) };
  if (page.nextToken) result.NextToken = page.nextToken;
  return result;
}
