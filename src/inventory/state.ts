// Inventory state of one account and region, kept as plain JSON in the store: every instance's item
// of every type (one record per instance and type, so a PutInventory writes only what it changed),
// the custom types learned from PutInventory, and the deletions DeleteInventory ran.
//
// Beside it, in memory only, an index by type and by instance built on first use and kept up to date
// by every change (setItem, removeItem): GetInventory's filters and aggregations walk the instances
// that hold a type without scanning every record of the state.
import type { ChangedRecord } from '../core/capability.js';
import type { RegionScope } from '../store/store.js';

export const CAPABILITY = 'inventory';

export interface StoredItem {
  instanceId: string;
  typeName: string;
  schemaVersion: string;
  captureTime: string;
  contentHash?: string;
  content: Record<string, string>[];
  context?: Record<string, string>;
}

export interface StoredSchema {
  typeName: string;
  /** The highest SchemaVersion put. */
  version: string;
  /** Attribute names in the order first seen. */
  attributes: string[];
  /** DeleteInventory DisableSchema: data of this version or below is ignored. */
  disabledVersion?: string;
}

export interface StoredDeletionSummary {
  TotalCount: number;
  RemainingCount: number;
  SummaryItems: { Version: string; Count: number; RemainingCount: number }[];
}

export interface StoredDeletion {
  deletionId: string;
  seq: number;
  typeName: string;
  startedAt: number;
  updatedAt: number;
  summary: StoredDeletionSummary;
  clientToken?: string;
  schemaDeleteOption?: string;
}

export interface InventoryState {
  /** Keyed `<instanceId>/<typeName>`. */
  items: Record<string, StoredItem>;
  /** Custom types only, by TypeName. */
  schemas: Record<string, StoredSchema>;
  deletions: Record<string, StoredDeletion>;
}

export interface InventoryIndex {
  byType: Map<string, Map<string, StoredItem>>;
  byInstance: Map<string, Map<string, StoredItem>>;
}

const indexes = new WeakMap<InventoryState, InventoryIndex>();

export function inventoryState(scope: RegionScope): InventoryState {
  const state = scope.get<InventoryState>(CAPABILITY, () => ({ items: {}, schemas: {}, deletions: {} }));
  state.items ??= {};
  state.schemas ??= {};
  state.deletions ??= {};
  return state;
}

export function indexOf(state: InventoryState): InventoryIndex {
  let index = indexes.get(state);
  if (!index) {
    index = { byType: new Map(), byInstance: new Map() };
    for (const item of Object.values(state.items)) addToIndex(index, item);
    indexes.set(state, index);
  }
  return index;
}

function addToIndex(index: InventoryIndex, item: StoredItem): void {
  let ofType = index.byType.get(item.typeName);
  if (!ofType) index.byType.set(item.typeName, (ofType = new Map()));
  ofType.set(item.instanceId, item);
  let ofInstance = index.byInstance.get(item.instanceId);
  if (!ofInstance) index.byInstance.set(item.instanceId, (ofInstance = new Map()));
  ofInstance.set(item.typeName, item);
}

const itemKey = (instanceId: string, typeName: string): string => `${instanceId}/${typeName}`;

export function getItem(state: InventoryState, instanceId: string, typeName: string): StoredItem | undefined {
  return indexOf(state).byInstance.get(instanceId)?.get(typeName);
}

export function setItem(state: InventoryState, item: StoredItem): ChangedRecord {
  const index = indexOf(state);
  state.items[itemKey(item.instanceId, item.typeName)] = item;
  addToIndex(index, item);
  return itemRecord(item.instanceId, item.typeName);
}

export function removeItem(
  state: InventoryState,
  instanceId: string,
  typeName: string,
): ChangedRecord | undefined {
  const key = itemKey(instanceId, typeName);
  if (!Object.hasOwn(state.items, key)) return undefined;
  const index = indexOf(state);
  delete state.items[key];
  index.byType.get(typeName)?.delete(instanceId);
  const ofInstance = index.byInstance.get(instanceId);
  ofInstance?.delete(typeName);
  if (ofInstance?.size === 0) index.byInstance.delete(instanceId);
  return itemRecord(instanceId, typeName);
}

export function itemRecord(instanceId: string, typeName: string): ChangedRecord {
  return { capability: CAPABILITY, collection: 'items', key: itemKey(instanceId, typeName) };
}

export function schemaRecord(typeName: string): ChangedRecord {
  return { capability: CAPABILITY, collection: 'schemas', key: typeName };
}

export function deletionRecord(deletionId: string): ChangedRecord {
  return { capability: CAPABILITY, collection: 'deletions', key: deletionId };
}

export function findSchema(state: InventoryState, typeName: string): StoredSchema | undefined {
  return Object.hasOwn(state.schemas, typeName) ? state.schemas[typeName] : undefined;
}
