// What other capabilities ask of Inventory: the gatherer (the aws:softwareInventory plugin) hands
// over what it collected in an instance, as the SSM Agent's PutInventory call does.
import type { RequestContext } from '../core/capability.js';
import { serviceKey } from '../core/services.js';

/** One inventory type of one instance, as PutInventory's InventoryItem carries it. */
export interface InventoryEntry {
  TypeName: string;
  SchemaVersion: string;
  /** ISO 8601 UTC, e.g. 2026-12-02T10:00:00Z. */
  CaptureTime: string;
  ContentHash?: string;
  Content?: Record<string, string>[];
  Context?: Record<string, string>;
}

export interface InventoryApi {
  /**
   * Stores what the agent gathered in an instance: each type replaces the instance's previous data of
   * that type (AWS: types included, which PutInventory refuses from users). Types the gatherer was
   * told to leave out are removed with `removeTypes`.
   */
  putGathered(
    ctx: RequestContext,
    instanceId: string,
    entries: InventoryEntry[],
    removeTypes?: string[],
  ): Promise<void>;
}

export const INVENTORY = serviceKey<InventoryApi>('inventory');
