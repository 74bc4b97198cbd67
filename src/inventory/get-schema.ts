// GetInventorySchema: AWS's types (schemas.ts) and the custom types PutInventory learned, in TypeName
// order. TypeName selects the types whose name starts with it (an unknown name answers
// InvalidTypeNameException); Aggregator answers the aggregatable attributes only, with each type's
// DisplayName; SubType answers the sub-type schemas, of which this build knows none. MaxResults
// 50..200, default 50.
import type {
  GetInventorySchemaRequest,
  GetInventorySchemaResult,
  InventoryAttributeDataType,
  InventoryItemSchema,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { pageAfterKey, sortedByKey } from '../core/pagination.js';
import { inventoryErrors } from './errors.js';
import { builtInSchemas, type TypeSchema } from './schemas.js';
import { inventoryState } from './state.js';

const DEFAULT_MAX_RESULTS = 50;

export function getInventorySchema(
  input: GetInventorySchemaRequest,
  ctx: RequestContext,
): GetInventorySchemaResult {
  const state = inventoryState(ctx.scope);
  const custom: TypeSchema[] = Object.values(state.schemas).map((s) => ({
    typeName: s.typeName,
    version: s.version,
    attributes: s.attributes,
    aggregatable: s.attributes,
  }));
  const prefix = input.TypeName ?? '';
  let schemas = sortedByKey([...builtInSchemas(), ...custom], (s) => s.typeName).filter((s) =>
    s.typeName.startsWith(prefix),
  );
  if (prefix !== '' && schemas.length === 0) throw inventoryErrors.invalidTypeName();
  if (input.SubType) schemas = [];
  if (input.Aggregator) schemas = schemas.filter((s) => (s.aggregatable ?? []).length > 0);
  const page = pageAfterKey(
    'GetInventorySchema',
    schemas,
    (s) => s.typeName,
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  const result: GetInventorySchemaResult = {
    Schemas: page.items.map((s) => schemaView(s, input.Aggregator === true)),
  };
  if (page.nextToken) result.NextToken = page.nextToken;
  return result;
}

function schemaView(schema: TypeSchema, aggregator: boolean): InventoryItemSchema {
  const names = aggregator ? (schema.aggregatable ?? []) : schema.attributes;
  const numbers = new Set(schema.numbers ?? []);
  const view: InventoryItemSchema = {
    TypeName: schema.typeName,
    Version: schema.version,
    // AWS writes the data type in capitals (see schemas.ts), unlike the model's enum.
    Attributes: names.map((Name) => ({
      Name,
      DataType: (numbers.has(Name) ? 'NUMBER' : 'STRING') as InventoryAttributeDataType,
    })),
  };
  if (aggregator && schema.displayName) view.DisplayName = schema.displayName;
  return view;
}
