// ListInventoryEntries: the rows of one instance's item of one type, filtered row by row (a filter key
// is the attribute name, or `<TypeName>.<Attribute>` of the type asked for), paged by position
// (MaxResults 1..50, default 50). An instance without that type answers no entries, and no
// SchemaVersion or CaptureTime.
import type { ListInventoryEntriesRequest, ListInventoryEntriesResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { decodeNextToken, encodeNextToken, isIndex } from '../core/pagination.js';
import { inventoryErrors } from './errors.js';
import { rowTest, splitExpression, type RowTest } from './filters.js';
import { inventoryView } from './view.js';

const DEFAULT_MAX_RESULTS = 50;

export async function listInventoryEntries(
  input: ListInventoryEntriesRequest,
  ctx: RequestContext,
): Promise<ListInventoryEntriesResult> {
  const instanceId = input.InstanceId!;
  const typeName = input.TypeName!;
  const view = await inventoryView(ctx);
  const attributes = view.attributesOf(typeName);
  if (!attributes) throw inventoryErrors.invalidTypeName();
  if (!view.has(instanceId)) throw inventoryErrors.invalidInstanceId(instanceId, ctx.accountId);
  const tests: RowTest[] = (input.Filters ?? []).map((filter) => {
    const key = filter.Key ?? '';
    const attribute = attributes.includes(key)
      ? key
      : splitExpression(key, (t) => (t === typeName ? attributes : undefined))?.attribute;
    if (attribute === undefined) throw inventoryErrors.invalidFilter();
    return rowTest(filter, attribute);
  });
  const start = decodeNextToken('ListInventoryEntries', input.NextToken, isIndex) ?? 0;
  const item = view.item(instanceId, typeName);
  const result: ListInventoryEntriesResult = { TypeName: typeName, InstanceId: instanceId };
  if (!item) return { ...result, Entries: [] };
  const rows = item.content.filter((row) => tests.every((test) => test(row)));
  const max = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  Object.assign(result, { SchemaVersion: item.schemaVersion, CaptureTime: item.captureTime });
  result.Entries = rows.slice(start, start + max);
  if (start + max < rows.length) result.NextToken = encodeNextToken('ListInventoryEntries', start + max);
  return result;
}
