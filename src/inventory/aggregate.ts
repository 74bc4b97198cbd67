// GetInventory's Aggregators: counts of instances, answered as one entity without an Id whose Data
// holds, per aggregated type, rows of `Count` (a string) and the attribute values counted, as AWS's
// "Aggregating inventory data" guide records them. Nested aggregators count each combination of the
// values along the path to a leaf (Application Name, then Version, then the instance's PlatformType);
// an instance counts once per combination however many of its rows share it. Groups count the
// instances that match all of a group's filters and those that do not (`matchingCount`,
// `notMatchingCount`), and answer no attribute counts.
//
// Made for fleets of thousands of instances with dozens of applications each: one pass over the
// filtered instances per leaf path, a Map keyed by the joined values, no per-row objects but the
// value combinations themselves.
import type { InventoryAggregator, InventoryResultEntity, InventoryResultItem } from '@aws-sdk/client-ssm';
import { inventoryErrors } from './errors.js';
import { compileFilters, splitExpression, type Expression } from './filters.js';
import { builtInSchema, isCustomType } from './schemas.js';
import type { InventoryView } from './view.js';

type Data = Record<string, InventoryResultItem>;

/** An item made of Content only, as AWS answers aggregations (the model's TypeName is left out). */
const contentOnly = (content: Record<string, string>[]): InventoryResultItem =>
  ({ Content: content }) as InventoryResultItem;

export function aggregate(
  aggregators: InventoryAggregator[],
  view: InventoryView,
  ids: string[],
): InventoryResultEntity {
  const data: Data = {};
  for (const aggregator of aggregators) {
    if (aggregator.Groups) groups(aggregator, view, ids, data);
    else expressions(aggregator, view, ids, data);
  }
  return { Data: data };
}

function groups(aggregator: InventoryAggregator, view: InventoryView, ids: string[], data: Data): void {
  if (aggregator.Expression !== undefined || aggregator.Aggregators !== undefined) {
    throw inventoryErrors.invalidAggregator(
      'An aggregator with Groups takes no Expression and no nested Aggregators.', // wording ours
    );
  }
  for (const group of aggregator.Groups ?? []) {
    const name = group.Name!;
    if (Object.hasOwn(data, name)) {
      throw inventoryErrors.invalidGroup(`The group name ${name} is used more than once.`); // wording ours
    }
    const test = compileFilters(group.Filters, view, inventoryErrors.invalidGroup);
    let matching = 0;
    for (const id of ids) if (test(id)) matching++;
    data[name] = contentOnly([
      { notMatchingCount: String(ids.length - matching) },
      { matchingCount: String(matching) },
    ]);
  }
}

function expressions(aggregator: InventoryAggregator, view: InventoryView, ids: string[], data: Data): void {
  for (const path of leafPaths(aggregator, view, [])) {
    const typeName = path[0]!.typeName;
    const rows = countPath(path, view, ids);
    const existing = data[typeName];
    if (existing) existing.Content!.push(...rows);
    else data[typeName] = contentOnly(rows);
  }
}

/** The expressions from this aggregator down to each leaf under it. */
function leafPaths(
  aggregator: InventoryAggregator,
  view: InventoryView,
  above: Expression[],
): Expression[][] {
  if (aggregator.Groups) {
    throw inventoryErrors.invalidAggregator('Groups are allowed only in a top-level aggregator.'); // wording ours
  }
  if (aggregator.Expression === undefined) {
    throw inventoryErrors.invalidAggregator(
      'An aggregator needs an Expression (or, at the top level, Groups).',
    ); // wording ours
  }
  const path = [...above, aggregatable(aggregator.Expression, view)];
  const nested = aggregator.Aggregators ?? [];
  return nested.length === 0 ? [path] : nested.flatMap((inner) => leafPaths(inner, view, path));
}

function aggregatable(text: string, view: InventoryView): Expression {
  const expression = splitExpression(text, view.attributesOf);
  const allowed = expression
    ? isCustomType(expression.typeName) ||
      (builtInSchema(expression.typeName)?.aggregatable ?? []).includes(expression.attribute)
    : false;
  if (!expression || !allowed) {
    throw inventoryErrors.invalidAggregator(
      `The expression ${text} can't be aggregated. Use an inventory type and attribute that GetInventorySchema with Aggregator lists, such as AWS:Application.Name.`, // wording ours
    );
  }
  return expression;
}

interface Tally {
  values: string[];
  count: number;
  /** The last instance counted (its position), so an instance counts once per combination. */
  last: number;
}

function countPath(path: Expression[], view: InventoryView, ids: string[]): Record<string, string>[] {
  // The path's attributes grouped by type: attributes of one type come from the same row.
  const byType = new Map<string, { attribute: string; position: number }[]>();
  path.forEach(({ typeName, attribute }, position) => {
    const list = byType.get(typeName);
    if (list) list.push({ attribute, position });
    else byType.set(typeName, [{ attribute, position }]);
  });
  const types = [...byType.entries()];
  const tallies = new Map<string, Tally>();
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n]!;
    let combos: string[][] = [new Array<string>(path.length)];
    for (const [typeName, attributes] of types) {
      const item = view.item(id, typeName);
      if (!item) {
        combos = [];
        break;
      }
      const next: string[][] = [];
      for (const row of item.content) {
        const values: string[] = [];
        for (const { attribute } of attributes) {
          const value = row[attribute];
          if (value === undefined) break;
          values.push(value);
        }
        if (values.length < attributes.length) continue;
        for (const combo of combos) {
          const extended = combo.slice();
          attributes.forEach(({ position }, k) => (extended[position] = values[k]!));
          next.push(extended);
        }
      }
      combos = next;
      if (combos.length === 0) break;
    }
    for (const combo of combos) {
      const key = combo.join('\u0000');
      let tally = tallies.get(key);
      if (!tally) tallies.set(key, (tally = { values: combo, count: 0, last: -1 }));
      if (tally.last !== n) {
        tally.last = n;
        tally.count++;
      }
    }
  }
  const sorted = [...tallies.values()].sort((a, b) => b.count - a.count || compareValues(a.values, b.values));
  return sorted.map((tally) => {
    const row: Record<string, string> = { Count: String(tally.count) };
    path.forEach(({ attribute }, position) => (row[attribute] = tally.values[position]!));
    return row;
  });
}

function compareValues(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
