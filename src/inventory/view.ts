// What the read operations see: the stored items of every instance, plus, for each managed instance of
// the fleet, an AWS:InstanceInformation and an AWS:Tag item made from what the fleet knows when no
// agent (or user) has put one. GetInventory lists every managed instance this way, inventory gathered
// or not, as AWS lists its managed nodes; an instance that left the fleet keeps its stored data.
import type { RequestContext } from '../core/capability.js';
import { FLEET, type ManagedInstance } from '../instances/api.js';
import { INSTANCE_INFORMATION, TAG_TYPE, builtInSchema } from './schemas.js';
import { findSchema, indexOf, inventoryState, type InventoryState } from './state.js';

/** An item as the read operations answer it (stored, or made from the fleet). */
export interface ItemView {
  typeName: string;
  schemaVersion: string;
  captureTime: string;
  contentHash?: string;
  content: Record<string, string>[];
}

export interface InventoryView {
  state: InventoryState;
  /** Every instance with inventory: managed ones and those with stored data, in id order. */
  ids: string[];
  has(instanceId: string): boolean;
  item(instanceId: string, typeName: string): ItemView | undefined;
  /** The attribute names of a known type (AWS's, or a custom type put before), else undefined. */
  attributesOf(typeName: string): string[] | undefined;
}

export function attributesOf(state: InventoryState, typeName: string): string[] | undefined {
  return builtInSchema(typeName)?.attributes ?? findSchema(state, typeName)?.attributes;
}

/** The types made from the fleet for instances that have none stored. */
export const FLEET_TYPES: readonly string[] = [INSTANCE_INFORMATION, TAG_TYPE];

const isoSeconds = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The view of this account and region. Without `withFleet` it holds the stored data only (no fleet
 * instances, no items made from the fleet): enough for an aggregation over stored types, and it spares
 * the fleet listing, the costliest part of a query on a large fleet.
 */
export async function inventoryView(ctx: RequestContext, withFleet = true): Promise<InventoryView> {
  const state = inventoryState(ctx.scope);
  const index = indexOf(state);
  const fleet = withFleet ? ctx.services.registry.find(FLEET) : undefined;
  const instances = fleet ? await fleet.list(ctx.accountId, ctx.region) : [];
  const managed = new Map(instances.map((i) => [i.instanceId, i]));
  const all = new Set<string>([...managed.keys(), ...index.byInstance.keys()]);
  const ids = [...all].sort();
  const captureTime = isoSeconds(ctx.services.clock.now());
  const made = new Map<string, ItemView>();
  const madeItem = (instance: ManagedInstance, typeName: string): ItemView | undefined => {
    const key = `${instance.instanceId}/${typeName}`;
    let item = made.get(key);
    if (!item) {
      const content = madeContent(instance, typeName);
      if (!content) return undefined;
      item = { typeName, schemaVersion: builtInSchema(typeName)!.version, captureTime, content };
      made.set(key, item);
    }
    return item;
  };
  return {
    state,
    ids,
    has: (instanceId) => all.has(instanceId),
    item(instanceId, typeName) {
      const stored = index.byInstance.get(instanceId)?.get(typeName);
      if (stored) return stored;
      const instance = managed.get(instanceId);
      return instance ? madeItem(instance, typeName) : undefined;
    },
    attributesOf: (typeName) => attributesOf(state, typeName),
  };
}

function madeContent(instance: ManagedInstance, typeName: string): Record<string, string>[] | undefined {
  if (typeName === INSTANCE_INFORMATION) {
    return [
      {
        AgentType: 'amazon-ssm-agent',
        InstanceId: instance.instanceId,
        PlatformType: instance.platformType,
        ResourceType: instance.instanceId.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance',
        InstanceStatus: 'Active',
      },
    ];
  }
  if (typeName === TAG_TYPE && instance.tags.length > 0) {
    return instance.tags.map((t) => ({ Key: t.Key, Value: t.Value }));
  }
  return undefined;
}
