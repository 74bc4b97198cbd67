// ListComplianceSummaries and ListResourceComplianceSummaries.
import type {
  ComplianceSeverity,
  ComplianceStatus,
  ComplianceSummaryItem,
  ListComplianceSummariesRequest,
  ListComplianceSummariesResult,
  ListResourceComplianceSummariesRequest,
  ListResourceComplianceSummariesResult,
  ResourceComplianceSummaryItem,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { matchesAll, parseFilters, type ParsedFilter } from './filters.js';
import {
  compliantSummary,
  count,
  emptyCounts,
  highest,
  nonCompliantSummary,
  resourceSummaries,
  type ResourceSummary,
  type SeverityCounts,
} from './summaries.js';
import { executionSummary, page } from './views.js';

/** The row of ListComplianceSummaries that counts each resource once, over all its types. */
export const FLEET_TOTAL = 'FleetTotal';

function resourceView(summary: ResourceSummary): ResourceComplianceSummaryItem {
  return {
    ComplianceType: summary.complianceType,
    ResourceType: summary.resourceType,
    ResourceId: summary.resourceId,
    Status: summary.status as ComplianceStatus,
    OverallSeverity: summary.overallSeverity as ComplianceSeverity,
    ExecutionSummary: executionSummary(summary.execution),
    CompliantSummary: compliantSummary(summary.compliant),
    NonCompliantSummary: nonCompliantSummary(summary.nonCompliant),
  };
}

export async function listResourceComplianceSummaries(
  input: ListResourceComplianceSummariesRequest,
  ctx: RequestContext,
): Promise<ListResourceComplianceSummariesResult> {
  const summaries = await resourceSummaries(ctx, parseFilters(input.Filters));
  const rows = summaries.map((summary) => ({
    key: [summary.resourceType, summary.resourceId, summary.complianceType].join('\u0000'),
    row: summary,
  }));
  const result = page('ListResourceComplianceSummaries', rows, input);
  return {
    ResourceComplianceSummaryItems: result.rows.map(resourceView),
    ...(result.nextToken !== undefined ? { NextToken: result.nextToken } : {}),
  };
}

interface TypeCounts {
  compliant: SeverityCounts;
  nonCompliant: SeverityCounts;
}

/** Counts one resource under its status and overall severity. */
function tally(counts: TypeCounts, status: string, severity: string): void {
  count(status === 'NON_COMPLIANT' ? counts.nonCompliant : counts.compliant, severity);
}

/**
 * FleetTotal: a resource is compliant when it is compliant for every type it holds, at the highest
 * of its overall severities; non-compliant at the highest of those of its non-compliant types.
 */
function fleetTotal(summaries: ResourceSummary[]): TypeCounts {
  const byResource = new Map<string, ResourceSummary[]>();
  for (const summary of summaries) {
    const key = `${summary.resourceType}/${summary.resourceId}`;
    byResource.set(key, [...(byResource.get(key) ?? []), summary]);
  }
  const counts = { compliant: emptyCounts(), nonCompliant: emptyCounts() };
  for (const types of byResource.values()) {
    const failing = types.filter((t) => t.status === 'NON_COMPLIANT');
    if (failing.length > 0) tally(counts, 'NON_COMPLIANT', highest(failing.map((t) => t.overallSeverity)));
    else tally(counts, 'COMPLIANT', highest(types.map((t) => t.overallSeverity)));
  }
  return counts;
}

function summaryView(complianceType: string, counts: TypeCounts): ComplianceSummaryItem {
  return {
    ComplianceType: complianceType,
    CompliantSummary: compliantSummary(counts.compliant),
    NonCompliantSummary: nonCompliantSummary(counts.nonCompliant),
  };
}

export async function listComplianceSummaries(
  input: ListComplianceSummariesRequest,
  ctx: RequestContext,
): Promise<ListComplianceSummariesResult> {
  const filters = parseFilters(input.Filters);
  // The ComplianceType filters choose rows; FleetTotal is one when they let it through.
  const typeFilters = filters.filter((f) => f.key === 'ComplianceType');
  const others = filters.filter((f) => f.key !== 'ComplianceType');
  const summaries = await resourceSummaries(ctx, others);
  const passes = (type: string, list: ParsedFilter[]): boolean =>
    matchesAll(list, { resourceId: '', resourceType: '', complianceType: type, execution: { time: 0 } });

  const counted = summaries.filter((summary) => passes(summary.complianceType, typeFilters));
  const byType = new Map<string, TypeCounts>();
  for (const summary of counted) {
    let counts = byType.get(summary.complianceType);
    if (!counts)
      byType.set(
        summary.complianceType,
        (counts = { compliant: emptyCounts(), nonCompliant: emptyCounts() }),
      );
    tally(counts, summary.status, summary.overallSeverity);
  }
  const rows = [...byType].map(([type, counts]) => ({
    key: `\u0001${type}`,
    row: summaryView(type, counts),
  }));
  if (summaries.length > 0 && passes(FLEET_TOTAL, typeFilters)) {
    // Over the types the filters let through; over all of them when the filters name FleetTotal only.
    const base = counted.length > 0 ? counted : summaries;
    rows.push({ key: '\u0000', row: summaryView(FLEET_TOTAL, fleetTotal(base)) });
  }
  const result = page('ListComplianceSummaries', rows, input);
  return {
    ComplianceSummaryItems: result.rows,
    ...(result.nextToken !== undefined ? { NextToken: result.nextToken } : {}),
  };
}
