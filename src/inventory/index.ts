// Inventory: PutInventory, GetInventory (filters, aggregators, groups), ListInventoryEntries,
// GetInventorySchema, DeleteInventory, DescribeInventoryDeletions, and the INVENTORY service of
// api.ts through which the gatherer (the aws:softwareInventory plugin) stores what it collected.
//
// What differs from real SSM:
// - Instances without gathered inventory still appear in GetInventory, with an AWS:InstanceInformation
//   (and AWS:Tag) item made from what the fleet knows: AgentType, InstanceId, PlatformType,
//   ResourceType and InstanceStatus Active. ComputerName, IpAddress, PlatformName, AgentVersion come
//   only with gathered (or put) AWS:InstanceInformation data. Data is kept forever, not 30 days.
// - Error texts are AWS's documented descriptions of each error shape (AWS's run-time texts are not
//   recorded); texts naming a case more precisely are ours (marked "wording ours" in errors.ts).
// - Limits as AWS's quotas state them: 20 custom types per account and region, 50 attributes per
//   custom type, 200 KB per custom item, 1 MB per PutInventory. Stored data per instance is not capped.
// - AWS: types from users are accepted when AWS defines the type, at a SchemaVersion no newer than
//   AWS's, with only its attributes (as the agent sends them); custom attribute names must keep
//   the spelling of their first use (ItemContentMismatchException). A custom item at or below a
//   disabled version is ignored without an error, as AWS documents.
// - Custom types' attributes can be aggregated (and GetInventorySchema with Aggregator lists them);
//   AWS's aggregatable AWS: attributes are those its guide records. Aggregations count instances per
//   combination of values, sorted by count; an aggregator with Groups takes no Expression.
// - Filters: NotEqual matches instances that have the type and no row equal to a value;
//   LessThan/GreaterThan compare numbers when both sides are numbers, else strings.
// - DeleteInventory deletes at once (DescribeInventoryDeletions shows Complete at once) and sends no
//   EventBridge event. GetInventorySchema SubType answers no schemas.
import type { Capability, RequestContext, Services } from '../core/capability.js';
import { FLEET } from '../instances/api.js';
import { INVENTORY, type InventoryApi, type InventoryEntry } from './api.js';
import { deleteInventory, describeInventoryDeletions } from './delete.js';
import { getInventory } from './get-inventory.js';
import { getInventorySchema } from './get-schema.js';
import { listInventoryEntries } from './list-entries.js';
import { putInventory, storeEntry } from './put.js';
import { inventoryState, removeItem } from './state.js';
import type { ChangedRecord } from '../core/capability.js';

/** The gatherer's door: its data is trusted (no request validation), types included. */
export const inventoryApi: InventoryApi = {
  async putGathered(ctx: RequestContext, instanceId: string, entries: InventoryEntry[], removeTypes = []) {
    const state = inventoryState(ctx.scope);
    const records: ChangedRecord[] = [];
    for (const entry of entries) records.push(...storeEntry(state, instanceId, entry));
    for (const typeName of removeTypes) {
      const record = removeItem(state, instanceId, typeName);
      if (record) records.push(record);
    }
    if (records.length > 0) await ctx.persist(records);
  },
};

export function inventoryCapability(): Capability {
  return {
    name: 'inventory',
    provides: [INVENTORY],
    uses: [FLEET],
    handlers: {
      PutInventory: putInventory,
      GetInventory: getInventory,
      ListInventoryEntries: listInventoryEntries,
      GetInventorySchema: getInventorySchema,
      DeleteInventory: deleteInventory,
      DescribeInventoryDeletions: describeInventoryDeletions,
    },
    start(services: Services) {
      services.registry.provide(INVENTORY, inventoryApi);
    },
  };
}
