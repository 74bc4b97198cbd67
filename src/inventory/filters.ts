// Inventory filters (GetInventory, its Groups, ListInventoryEntries). A key is `<Type>.<Attribute>`
// of a known type, or `TypeName` with Exists (Values: types, any of which the instance has). An
// instance matches a filter when a row of its item of that type does: Equal, one of the values;
// BeginWith, starts with one; LessThan and GreaterThan, compared with the first value (as numbers when
// both are numbers); Exists, the attribute is there. NotEqual matches an instance that has the type
// and no row equal to any of the values. Filters combine with AND.
import type { InventoryFilter } from '@aws-sdk/client-ssm';
import type { SsmError } from '../protocol/errors.js';
import { inventoryErrors } from './errors.js';
import type { InventoryView } from './view.js';

export type RowTest = (row: Record<string, string>) => boolean;

export interface Expression {
  typeName: string;
  attribute: string;
}

/** Splits `<Type>.<Attribute>` at the dot after a known type's name (custom names may hold dots). */
export function splitExpression(
  text: string,
  attributesOf: (typeName: string) => string[] | undefined,
): Expression | undefined {
  for (let at = text.indexOf('.'); at > 0; at = text.indexOf('.', at + 1)) {
    const typeName = text.slice(0, at);
    const attributes = attributesOf(typeName);
    if (attributes) {
      const attribute = text.slice(at + 1);
      return attributes.includes(attribute) ? { typeName, attribute } : undefined;
    }
  }
  return undefined;
}

const asNumber = (value: string): number | undefined => {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
};

function compare(a: string, b: string): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The test one row must pass; NotEqual here is the row-level one (the value is none of the values). */
export function rowTest(filter: InventoryFilter, attribute: string): RowTest {
  const values = filter.Values ?? [];
  const first = values[0] ?? '';
  switch (filter.Type ?? 'Equal') {
    case 'Equal':
      return (row) => row[attribute] !== undefined && values.includes(row[attribute]);
    case 'NotEqual':
      return (row) => row[attribute] !== undefined && !values.includes(row[attribute]);
    case 'BeginWith':
      return (row) => {
        const v = row[attribute];
        return v !== undefined && values.some((prefix) => v.startsWith(prefix));
      };
    case 'LessThan':
      return (row) => row[attribute] !== undefined && compare(row[attribute], first) < 0;
    case 'GreaterThan':
      return (row) => row[attribute] !== undefined && compare(row[attribute], first) > 0;
    case 'Exists':
      return (row) => row[attribute] !== undefined;
    default:
      throw inventoryErrors.invalidFilter();
  }
}

/** One predicate over instance ids for all the filters (true when there are none). */
export function compileFilters(
  filters: InventoryFilter[] | undefined,
  view: InventoryView,
  invalid: (message?: string) => SsmError = inventoryErrors.invalidFilter,
): (instanceId: string) => boolean {
  const tests = (filters ?? []).map((filter) => compileFilter(filter, view, invalid));
  return (instanceId) => tests.every((test) => test(instanceId));
}

function compileFilter(
  filter: InventoryFilter,
  view: InventoryView,
  invalid: (message?: string) => SsmError,
): (instanceId: string) => boolean {
  const key = filter.Key ?? '';
  const values = filter.Values ?? [];
  if (key === 'TypeName') {
    if (filter.Type !== 'Exists') {
      throw invalid(`The filter key TypeName can only be used with the Exists type.`); // wording ours
    }
    return (id) => values.some((typeName) => view.item(id, typeName) !== undefined);
  }
  const expression = splitExpression(key, view.attributesOf);
  if (!expression) throw invalid();
  const test = rowTest(filter, expression.attribute);
  const { typeName } = expression;
  if ((filter.Type ?? 'Equal') === 'NotEqual') {
    const equal = rowTest({ ...filter, Type: 'Equal' }, expression.attribute);
    return (id) => {
      const item = view.item(id, typeName);
      return item !== undefined && !item.content.some(equal);
    };
  }
  return (id) => view.item(id, typeName)?.content.some(test) ?? false;
}
