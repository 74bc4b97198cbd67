// DeleteInventory and DescribeInventoryDeletions. Only custom types can be deleted: all their data,
// and with SchemaDeleteOption DeleteSchema the type itself, or with DisableSchema the type's current
// version (later data at or below it is ignored until a higher version arrives). DryRun answers the
// summary and changes nothing. The deletion happens at once: DeleteInventory answers the summary as
// AWS does before anything is deleted (RemainingCount equal to TotalCount), and
// DescribeInventoryDeletions then shows it Complete. The same ClientToken answers the same deletion.
import type {
  DeleteInventoryRequest,
  DeleteInventoryResult,
  DescribeInventoryDeletionsRequest,
  DescribeInventoryDeletionsResult,
  InventoryDeletionStatusItem,
} from '@aws-sdk/client-ssm';
import type { ChangedRecord, RequestContext } from '../core/capability.js';
import { decodeNextToken, encodeNextToken, isIndex } from '../core/pagination.js';
import { inventoryErrors } from './errors.js';
import { compareVersions, isCustomType } from './schemas.js';
import {
  deletionRecord,
  findSchema,
  indexOf,
  inventoryState,
  removeItem,
  schemaRecord,
  type StoredDeletion,
  type StoredDeletionSummary,
} from './state.js';

const DEFAULT_MAX_RESULTS = 50;

export async function deleteInventory(
  input: DeleteInventoryRequest,
  ctx: RequestContext,
): Promise<DeleteInventoryResult> {
  const typeName = input.TypeName!;
  const option = input.SchemaDeleteOption;
  const state = inventoryState(ctx.scope);
  if (!isCustomType(typeName)) {
    throw inventoryErrors.invalidTypeName(
      `The type ${typeName} isn't a custom inventory type. Only custom types (Custom:...) can be deleted.`, // wording ours
    );
  }
  if (input.ClientToken !== undefined && !input.DryRun) {
    const earlier = Object.values(state.deletions).find((d) => d.clientToken === input.ClientToken);
    if (earlier) {
      if (earlier.typeName !== typeName || earlier.schemaDeleteOption !== option) {
        throw inventoryErrors.invalidDeleteParameters();
      }
      return {
        DeletionId: earlier.deletionId,
        TypeName: typeName,
        DeletionSummary: pending(earlier.summary),
      };
    }
  }
  const schema = findSchema(state, typeName);
  if (!schema) throw inventoryErrors.invalidTypeName();
  if (option === 'DisableSchema' && schema.disabledVersion === schema.version) {
    throw inventoryErrors.invalidOption(
      `The version ${schema.version} of ${typeName} is already disabled. Put a higher version to enable the type again.`, // wording ours
    );
  }
  const items = [...(indexOf(state).byType.get(typeName)?.values() ?? [])];
  const byVersion = new Map<string, number>();
  for (const item of items) byVersion.set(item.schemaVersion, (byVersion.get(item.schemaVersion) ?? 0) + 1);
  const summary: StoredDeletionSummary = {
    TotalCount: items.length,
    RemainingCount: 0,
    SummaryItems: [...byVersion.entries()]
      .sort(([a], [b]) => compareVersions(a, b))
      .map(([Version, Count]) => ({ Version, Count, RemainingCount: 0 })),
  };
  if (input.DryRun) return { TypeName: typeName, DeletionSummary: pending(summary) };

  const records: ChangedRecord[] = [];
  for (const item of items) {
    const record = removeItem(state, item.instanceId, typeName);
    if (record) records.push(record);
  }
  if (option === 'DeleteSchema') delete state.schemas[typeName];
  else if (option === 'DisableSchema') schema.disabledVersion = schema.version;
  if (option) records.push(schemaRecord(typeName));
  const now = ctx.services.clock.now().getTime();
  const deletion: StoredDeletion = {
    deletionId: ctx.services.ids.uuid(),
    seq: Object.keys(state.deletions).length,
    typeName,
    startedAt: now,
    updatedAt: now,
    summary,
    ...(input.ClientToken !== undefined ? { clientToken: input.ClientToken } : {}),
    ...(option !== undefined ? { schemaDeleteOption: option } : {}),
  };
  state.deletions[deletion.deletionId] = deletion;
  records.push(deletionRecord(deletion.deletionId));
  await ctx.persist(records);
  return { DeletionId: deletion.deletionId, TypeName: typeName, DeletionSummary: pending(summary) };
}

/** The summary as DeleteInventory answers it: nothing deleted yet. */
function pending(summary: StoredDeletionSummary): StoredDeletionSummary {
  return {
    TotalCount: summary.TotalCount,
    RemainingCount: summary.TotalCount,
    SummaryItems: summary.SummaryItems.map((s) => ({ ...s, RemainingCount: s.Count })),
  };
}

export function describeInventoryDeletions(
  input: DescribeInventoryDeletionsRequest,
  ctx: RequestContext,
): DescribeInventoryDeletionsResult {
  const state = inventoryState(ctx.scope);
  let deletions = Object.values(state.deletions).sort((a, b) => a.seq - b.seq);
  if (input.DeletionId !== undefined) {
    deletions = deletions.filter((d) => d.deletionId === input.DeletionId);
    if (deletions.length === 0) throw inventoryErrors.invalidDeletionId();
  }
  const start = decodeNextToken('DescribeInventoryDeletions', input.NextToken, isIndex) ?? 0;
  const max = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const result: DescribeInventoryDeletionsResult = {
    InventoryDeletions: deletions.slice(start, start + max).map(deletionView),
  };
  if (start + max < deletions.length) {
    result.NextToken = encodeNextToken('DescribeInventoryDeletions', start + max);
  }
  return result;
}

function deletionView(deletion: StoredDeletion): InventoryDeletionStatusItem {
  return {
    DeletionId: deletion.deletionId,
    TypeName: deletion.typeName,
    DeletionStartTime: new Date(deletion.startedAt),
    LastStatus: 'Complete',
    LastStatusMessage: 'Deletion is successful',
    DeletionSummary: deletion.summary,
    LastStatusUpdateTime: new Date(deletion.updatedAt),
  };
}
