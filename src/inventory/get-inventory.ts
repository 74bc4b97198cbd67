// GetInventory: without Aggregators, one entity per instance (managed instances, and instances whose
// data outlives them) in instance id order, with its item of the ResultAttributes type
// (AWS:InstanceInformation when none is named), for the instances that have that type and pass the
// filters; MaxResults 1..50, default 50. With Aggregators, the counts of aggregate.ts over the
// instances that pass the filters, in one entity and one page.
import type {
  GetInventoryRequest,
  GetInventoryResult,
  InventoryAggregator,
  InventoryFilter,
  InventoryResultEntity,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { decodeNextToken, encodeNextToken, isString } from '../core/pagination.js';
import { aggregate } from './aggregate.js';
import { inventoryErrors } from './errors.js';
import { compileFilters } from './filters.js';
import { INSTANCE_INFORMATION } from './schemas.js';
import { FLEET_TYPES, inventoryView, type ItemView } from './view.js';

const DEFAULT_MAX_RESULTS = 50;

export async function getInventory(
  input: GetInventoryRequest,
  ctx: RequestContext,
): Promise<GetInventoryResult> {
  const view = await inventoryView(ctx, !input.Aggregators || needsFleet(input));
  const passes = compileFilters(input.Filters, view);
  if (input.Aggregators) {
    return { Entities: [aggregate(input.Aggregators, view, view.ids.filter(passes))] };
  }
  const typeName = input.ResultAttributes?.[0]?.TypeName ?? INSTANCE_INFORMATION;
  if (!view.attributesOf(typeName)) throw inventoryErrors.invalidResultAttribute();
  const after = decodeNextToken('GetInventory', input.NextToken, isString);
  const max = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const entities: InventoryResultEntity[] = [];
  let last: string | undefined;
  let more = false;
  for (const id of view.ids) {
    if (after !== undefined && id <= after) continue;
    const item = view.item(id, typeName);
    if (!item || !passes(id)) continue;
    if (entities.length === max) {
      more = true;
      break;
    }
    entities.push({ Id: id, Data: { [typeName]: resultItem(item) } });
    last = id;
  }
  const result: GetInventoryResult = { Entities: entities };
  if (more && last !== undefined) result.NextToken = encodeNextToken('GetInventory', last);
  return result;
}

export function resultItem(item: ItemView): NonNullable<InventoryResultEntity['Data']>[string] {
  return {
    TypeName: item.typeName,
    SchemaVersion: item.schemaVersion,
    CaptureTime: item.captureTime,
    ...(item.contentHash !== undefined ? { ContentHash: item.contentHash } : {}),
    Content: item.content,
  };
}

/**
 * Whether an aggregation reaches beyond stored data: types made from the fleet, TypeName filters, or
 * Groups (whose notMatchingCount counts instances without data too).
 */
function needsFleet(input: GetInventoryRequest): boolean {
  const fleetKey = (key: string | undefined): boolean =>
    key === undefined || key === 'TypeName' || FLEET_TYPES.some((t) => key.startsWith(`${t}.`));
  const filters = (list: InventoryFilter[] | undefined): boolean => (list ?? []).some((f) => fleetKey(f.Key));
  const aggregators = (list: InventoryAggregator[] | undefined): boolean =>
    (list ?? []).some(
      (a) =>
        a.Groups !== undefined ||
        (a.Expression !== undefined && fleetKey(a.Expression)) ||
        aggregators(a.Aggregators),
    );
  return filters(input.Filters) || aggregators(input.Aggregators);
}
