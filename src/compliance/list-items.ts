// ListComplianceItems: the items of one resource (or of every resource when ResourceIds is not
// given), in resource, compliance type and item id order, filtered and paged.
import type {
  ComplianceItem,
  ComplianceSeverity,
  ComplianceStatus,
  ListComplianceItemsRequest,
  ListComplianceItemsResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { complianceErrors } from './errors.js';
import { matchesAll, parseFilters, type Subject } from './filters.js';
import { MANAGED_INSTANCE, stateOf, type StoredItem } from './state.js';
import { platforms } from './summaries.js';
import { executionSummary, page } from './views.js';

const OPERATION = 'ListComplianceItems';

interface Row {
  resourceId: string;
  resourceType: string;
  complianceType: string;
  item: StoredItem;
}

function view(row: Row): ComplianceItem {
  const { item } = row;
  return {
    ComplianceType: row.complianceType,
    ResourceType: row.resourceType,
    ResourceId: row.resourceId,
    ...(item.id !== undefined ? { Id: item.id } : {}),
    // AWS answers an empty Title for items written without one (association items show "").
    Title: item.title ?? '',
    Status: item.status as ComplianceStatus,
    Severity: item.severity as ComplianceSeverity,
    ExecutionSummary: executionSummary(item.execution),
    ...(item.details !== undefined ? { Details: { ...item.details } } : {}),
  };
}

/** A key unique to the item that sorts by resource, type, then item id (items without an id last). */
function sortKey(row: Row, index: number): string {
  const itemKey =
    row.item.id !== undefined ? `\u0001${row.item.id}` : `\u0002${String(index).padStart(6, '0')}`;
  return [row.resourceType, row.resourceId, row.complianceType, itemKey].join('\u0000');
}

export async function listComplianceItems(
  input: ListComplianceItemsRequest,
  ctx: RequestContext,
): Promise<ListComplianceItemsResult> {
  for (const type of input.ResourceTypes ?? []) {
    if (type !== MANAGED_INSTANCE) throw complianceErrors.invalidResourceType();
  }
  const resourceIds = input.ResourceIds;
  if (resourceIds !== undefined && resourceIds.length > 1) throw complianceErrors.tooManyResourceIds();
  const filters = parseFilters(input.Filters);
  const platformOf = await platforms(ctx, filters);

  const rows: { key: string; row: Row }[] = [];
  for (const resource of Object.values(stateOf(ctx.scope).resources)) {
    if (resourceIds !== undefined && !resourceIds.includes(resource.resourceId)) continue;
    const platformType = platformOf.get(resource.resourceId);
    for (const [complianceType, record] of Object.entries(resource.types)) {
      record.items.forEach((item, index) => {
        const subject: Subject = {
          resourceId: resource.resourceId,
          resourceType: resource.resourceType,
          complianceType,
          execution: item.execution,
          item,
          ...(platformType !== undefined ? { platformType } : {}),
        };
        if (!matchesAll(filters, subject)) return;
        const row = {
          resourceId: resource.resourceId,
          resourceType: resource.resourceType,
          complianceType,
          item,
        };
        rows.push({ key: sortKey(row, index), row });
      });
    }
  }
  const result = page(OPERATION, rows, input);
  return {
    ComplianceItems: result.rows.map(view),
    ...(result.nextToken !== undefined ? { NextToken: result.nextToken } : {}),
  };
}
