// Compliance state, kept in the store per account and region: for each resource (one record per
// ResourceType and ResourceId) the compliance types written to it, each with its items. Every item
// keeps the execution summary of the write that put it there, so a PARTIAL write (one association)
// leaves the other items' execution times as they were. Times are epoch milliseconds.
import type { ChangedRecord, RequestContext } from '../core/capability.js';
import type { RegionScope } from '../store/store.js';
import type { ComplianceWrite } from './api.js';

export const CAPABILITY = 'compliance';
const RESOURCES = 'resources';

export interface StoredExecution {
  time: number;
  id?: string;
  type?: string;
}

export interface StoredItem {
  id?: string;
  title?: string;
  severity: string;
  status: string;
  details?: Record<string, string>;
  execution: StoredExecution;
}

/** The items of one compliance type on one resource. */
export interface StoredTypeRecord {
  /** The execution of the latest write (the resource summary's ExecutionSummary). */
  execution: StoredExecution;
  items: StoredItem[];
  contentHash?: string;
}

export interface StoredResource {
  resourceId: string;
  resourceType: string;
  types: Record<string, StoredTypeRecord>;
}

export interface ComplianceState {
  /** Keyed by resourceKey(resourceType, resourceId). */
  resources: Record<string, StoredResource>;
}

export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNSPECIFIED'] as const;
export const STATUSES = ['COMPLIANT', 'NON_COMPLIANT'] as const;
export const MANAGED_INSTANCE = 'ManagedInstance';

export function stateOf(scope: RegionScope): ComplianceState {
  return scope.get<ComplianceState>(CAPABILITY, () => ({ resources: {} }));
}

export function resourceKey(resourceType: string, resourceId: string): string {
  return `${resourceType}/${resourceId}`;
}

function changed(key: string): ChangedRecord[] {
  return [{ capability: CAPABILITY, collection: RESOURCES, key }];
}

/** The custom (Custom:...) compliance types a resource holds items of. */
export function customTypesOf(state: ComplianceState, resourceType: string, resourceId: string): string[] {
  const resource = state.resources[resourceKey(resourceType, resourceId)];
  return resource ? Object.keys(resource.types).filter((type) => type.startsWith('Custom:')) : [];
}

function copyExecution(execution: ComplianceWrite['execution']): StoredExecution {
  return {
    time: execution.time,
    ...(execution.id !== undefined ? { id: execution.id } : {}),
    ...(execution.type !== undefined ? { type: execution.type } : {}),
  };
}

/**
 * Stores a write as PutComplianceItems does: COMPLETE replaces every item of the type on the
 * resource, PARTIAL replaces the items with the ids it carries and keeps the others. A write whose
 * content hash equals the stored one is ignored. A type left without items is removed, so it no
 * longer counts toward the resource's custom types nor shows in the summaries.
 * Returns false when the write was ignored.
 */
export async function applyWrite(ctx: RequestContext, write: ComplianceWrite): Promise<boolean> {
  const state = stateOf(ctx.scope);
  const key = resourceKey(write.resourceType, write.resourceId);
  const resource = state.resources[key];
  const existing = resource?.types[write.complianceType];
  if (write.contentHash !== undefined && existing?.contentHash === write.contentHash) return false;

  const execution = copyExecution(write.execution);
  const incoming: StoredItem[] = write.items.map((entry) => ({
    ...(entry.Id !== undefined ? { id: entry.Id } : {}),
    ...(entry.Title !== undefined ? { title: entry.Title } : {}),
    severity: entry.Severity,
    status: entry.Status,
    ...(entry.Details !== undefined ? { details: { ...entry.Details } } : {}),
    execution: { ...execution },
  }));
  let items = incoming;
  if (write.uploadType === 'PARTIAL' && existing) {
    const replaced = new Set(incoming.flatMap((item) => (item.id !== undefined ? [item.id] : [])));
    items = [
      ...existing.items.filter((item) => item.id === undefined || !replaced.has(item.id)),
      ...incoming,
    ];
  }

  const target = resource ?? { resourceId: write.resourceId, resourceType: write.resourceType, types: {} };
  if (items.length === 0) {
    delete target.types[write.complianceType];
  } else {
    target.types[write.complianceType] = {
      execution,
      items,
      ...(write.contentHash !== undefined ? { contentHash: write.contentHash } : {}),
    };
  }
  if (Object.keys(target.types).length === 0) delete state.resources[key];
  else state.resources[key] = target;
  await ctx.persist(changed(key));
  return true;
}

/** Removes items of a type from a resource: those with the ids given, or all of them. */
export async function removeItems(
  ctx: RequestContext,
  resourceId: string,
  resourceType: string,
  complianceType: string,
  ids?: string[],
): Promise<void> {
  const state = stateOf(ctx.scope);
  const key = resourceKey(resourceType, resourceId);
  const resource = state.resources[key];
  const record = resource?.types[complianceType];
  if (!resource || !record) return;
  if (ids === undefined) {
    delete resource.types[complianceType];
  } else {
    const removed = new Set(ids);
    record.items = record.items.filter((item) => item.id === undefined || !removed.has(item.id));
    if (record.items.length === 0) delete resource.types[complianceType];
    else delete record.contentHash;
  }
  if (Object.keys(resource.types).length === 0) delete state.resources[key];
  await ctx.persist(changed(key));
}
