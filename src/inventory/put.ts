// PutInventory, and the store of an item that the gatherer's putGathered shares with it.
//
// Checks, in order: the instance is a managed instance of this account and region (InvalidInstanceId);
// the whole request is at most 1 MB (TotalSizeLimitExceeded); then each item: an AWS: type must be one
// AWS defines, at a SchemaVersion no newer than AWS's, with only that type's attributes; a Custom: type
// needs a name, at most 200 KB of data, at most 50 attributes, attribute names spelt as the type first
// spelt them, and room among the 20 custom types of the account; Context only for AWS:ComplianceItem
// (with ExecutionId, ExecutionType, ExecutionTime or ComplianceType keys).
import type { PutInventoryRequest, PutInventoryResult } from '@aws-sdk/client-ssm';
import type { ChangedRecord, RequestContext } from '../core/capability.js';
import { FLEET } from '../instances/api.js';
import type { InventoryEntry } from './api.js';
import { inventoryErrors } from './errors.js';
import { builtInSchema, compareVersions, isCustomType } from './schemas.js';
import {
  findSchema,
  getItem,
  inventoryState,
  schemaRecord,
  setItem,
  type InventoryState,
  type StoredItem,
} from './state.js';

export const MAX_REQUEST_BYTES = 1024 * 1024;
export const MAX_CUSTOM_ITEM_BYTES = 200 * 1024;
export const MAX_CUSTOM_TYPES = 20;
export const MAX_CUSTOM_ATTRIBUTES = 50;
const CONTEXT_TYPE = 'AWS:ComplianceItem';
const CONTEXT_KEYS = new Set(['ExecutionId', 'ExecutionType', 'ExecutionTime', 'ComplianceType']);

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

export async function putInventory(
  input: PutInventoryRequest,
  ctx: RequestContext,
): Promise<PutInventoryResult> {
  const instanceId = input.InstanceId!;
  const fleet = ctx.services.registry.find(FLEET);
  const instance = await fleet?.get(ctx.accountId, ctx.region, instanceId);
  if (!instance) throw inventoryErrors.invalidInstanceId(instanceId, ctx.accountId);
  const items = (input.Items ?? []) as InventoryEntry[];
  if (bytes(items) > MAX_REQUEST_BYTES) throw inventoryErrors.totalSizeLimitExceeded();
  const state = inventoryState(ctx.scope);
  const seen = new Set<string>();
  let newCustomTypes = 0;
  for (const item of items) {
    if (seen.has(item.TypeName)) {
      throw inventoryErrors.invalidItemContent(
        item.TypeName,
        `The type ${item.TypeName} appears more than once in the request. Send each type once.`, // wording ours
      );
    }
    seen.add(item.TypeName);
    checkContext(item);
    if (isCustomType(item.TypeName)) {
      if (checkCustomItem(state, item)) newCustomTypes++;
    } else {
      checkAwsItem(item);
    }
  }
  const customTypes = Object.keys(state.schemas).length;
  if (newCustomTypes > 0 && customTypes + newCustomTypes > MAX_CUSTOM_TYPES) {
    throw inventoryErrors.customSchemaCountLimitExceeded();
  }
  const records: ChangedRecord[] = [];
  for (const item of items) records.push(...storeEntry(state, instanceId, item));
  await ctx.persist(records);
  return {};
}

function checkContext(item: InventoryEntry): void {
  if (!item.Context || Object.keys(item.Context).length === 0) return;
  if (item.TypeName !== CONTEXT_TYPE) throw inventoryErrors.unsupportedItemContext(item.TypeName);
  for (const [key, value] of Object.entries(item.Context)) {
    if (!CONTEXT_KEYS.has(key) || value === '') throw inventoryErrors.invalidItemContext();
  }
}

function checkAwsItem(item: InventoryEntry): void {
  const schema = builtInSchema(item.TypeName);
  if (!schema) throw inventoryErrors.unknownAwsType(item.TypeName);
  if (compareVersions(item.SchemaVersion, schema.version) > 0)
    throw inventoryErrors.unsupportedSchemaVersion();
  const allowed = new Set(schema.attributes);
  for (const entry of item.Content ?? []) {
    for (const name of Object.keys(entry)) {
      if (!allowed.has(name)) {
        throw inventoryErrors.invalidItemContent(
          item.TypeName,
          `The attribute ${name} isn't part of the ${item.TypeName} schema version ${schema.version}. Check GetInventorySchema for its attributes.`, // wording ours
        );
      }
    }
  }
}

/** Checks a custom item; true when it would create a new custom type. */
function checkCustomItem(state: InventoryState, item: InventoryEntry): boolean {
  const name = item.TypeName.slice('Custom:'.length);
  if (name.trim() === '') throw inventoryErrors.invalidTypeName();
  if (bytes(item.Content ?? []) > MAX_CUSTOM_ITEM_BYTES)
    throw inventoryErrors.itemSizeLimitExceeded(item.TypeName);
  const schema = findSchema(state, item.TypeName);
  const spelling = new Map<string, string>();
  for (const attribute of schema?.attributes ?? []) spelling.set(attribute.toLowerCase(), attribute);
  for (const entry of item.Content ?? []) {
    for (const attribute of Object.keys(entry)) {
      const known = spelling.get(attribute.toLowerCase());
      if (known === undefined) spelling.set(attribute.toLowerCase(), attribute);
      else if (known !== attribute) {
        throw inventoryErrors.itemContentMismatch(
          item.TypeName,
          `The attribute ${attribute} of ${item.TypeName} is spelt ${known} elsewhere. Attribute names must be spelt the same way in every item of a type.`, // wording ours
        );
      }
    }
  }
  if (spelling.size > MAX_CUSTOM_ATTRIBUTES) {
    throw inventoryErrors.invalidItemContent(
      item.TypeName,
      `The type ${item.TypeName} would have more than ${MAX_CUSTOM_ATTRIBUTES} attributes.`, // wording ours
    );
  }
  return schema === undefined;
}

/**
 * Stores one item of one instance, replacing what the instance had of that type. An item whose
 * ContentHash equals the stored one keeps the stored content (only CaptureTime moves), as AWS does;
 * a custom item at or below a version DeleteInventory disabled is ignored. Returns the records changed.
 */
export function storeEntry(
  state: InventoryState,
  instanceId: string,
  entry: InventoryEntry,
): ChangedRecord[] {
  const records: ChangedRecord[] = [];
  if (isCustomType(entry.TypeName)) {
    const schema = findSchema(state, entry.TypeName);
    if (
      schema?.disabledVersion !== undefined &&
      compareVersions(entry.SchemaVersion, schema.disabledVersion) <= 0
    ) {
      return records;
    }
    records.push(learnSchema(state, entry));
  }
  const existing = getItem(state, instanceId, entry.TypeName);
  const unchanged =
    existing !== undefined && entry.ContentHash !== undefined && existing.contentHash === entry.ContentHash;
  const item: StoredItem = {
    instanceId,
    typeName: entry.TypeName,
    schemaVersion: entry.SchemaVersion,
    captureTime: entry.CaptureTime,
    content: unchanged ? existing.content : (entry.Content ?? []).map((row) => ({ ...row })),
  };
  if (entry.ContentHash !== undefined) item.contentHash = entry.ContentHash;
  if (unchanged) item.schemaVersion = existing.schemaVersion;
  if (entry.Context && Object.keys(entry.Context).length > 0) item.context = { ...entry.Context };
  records.push(setItem(state, item));
  return records;
}

function learnSchema(state: InventoryState, entry: InventoryEntry): ChangedRecord {
  let schema = findSchema(state, entry.TypeName);
  if (!schema) {
    schema = { typeName: entry.TypeName, version: entry.SchemaVersion, attributes: [] };
    state.schemas[entry.TypeName] = schema;
  }
  if (compareVersions(entry.SchemaVersion, schema.version) > 0) schema.version = entry.SchemaVersion;
  const known = new Set(schema.attributes.map((a) => a.toLowerCase()));
  for (const row of entry.Content ?? []) {
    for (const attribute of Object.keys(row)) {
      if (!known.has(attribute.toLowerCase())) {
        known.add(attribute.toLowerCase());
        schema.attributes.push(attribute);
      }
    }
  }
  return schemaRecord(entry.TypeName);
}
