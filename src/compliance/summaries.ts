// Summaries of a resource's items for one compliance type, the ground of both summary operations.
// As AWS's recorded responses show them: a resource is NON_COMPLIANT for a type when any of its
// items is; its OverallSeverity is the highest severity among its non-compliant items when it is
// non-compliant, among all its items when it is compliant (a compliant resource with a HIGH item is
// HIGH). ListResourceComplianceSummaries counts items by severity; ListComplianceSummaries counts
// resources, each under its OverallSeverity, and adds a FleetTotal row over all types.
import type { CompliantSummary, NonCompliantSummary, SeveritySummary } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { FLEET } from '../instances/api.js';
import { matchesAll, needsPlatform, severityRank, type ParsedFilter, type Subject } from './filters.js';
import { SEVERITIES, stateOf, type StoredExecution, type StoredItem } from './state.js';

export type SeverityCounts = Record<(typeof SEVERITIES)[number], number>;

export const emptyCounts = (): SeverityCounts => ({
  CRITICAL: 0,
  HIGH: 0,
  MEDIUM: 0,
  LOW: 0,
  INFORMATIONAL: 0,
  UNSPECIFIED: 0,
});

export function count(counts: SeverityCounts, severity: string): void {
  if (severity in counts) counts[severity as keyof SeverityCounts]++;
  else counts.UNSPECIFIED++;
}

const total = (counts: SeverityCounts): number => Object.values(counts).reduce((a, b) => a + b, 0);

export function severitySummary(counts: SeverityCounts): SeveritySummary {
  return {
    CriticalCount: counts.CRITICAL,
    HighCount: counts.HIGH,
    MediumCount: counts.MEDIUM,
    LowCount: counts.LOW,
    InformationalCount: counts.INFORMATIONAL,
    UnspecifiedCount: counts.UNSPECIFIED,
  };
}

export const compliantSummary = (counts: SeverityCounts): CompliantSummary => ({
  CompliantCount: total(counts),
  SeveritySummary: severitySummary(counts),
});

export const nonCompliantSummary = (counts: SeverityCounts): NonCompliantSummary => ({
  NonCompliantCount: total(counts),
  SeveritySummary: severitySummary(counts),
});

/** The most severe of some severities (UNSPECIFIED when there are none). */
export function highest(severities: string[]): string {
  let best = 'UNSPECIFIED';
  for (const severity of severities) if (severityRank(severity) > severityRank(best)) best = severity;
  return best;
}

/** One resource's standing for one compliance type. */
export interface ResourceSummary {
  resourceId: string;
  resourceType: string;
  complianceType: string;
  execution: StoredExecution;
  status: 'COMPLIANT' | 'NON_COMPLIANT';
  overallSeverity: string;
  compliant: SeverityCounts;
  nonCompliant: SeverityCounts;
}

export function summarize(
  items: StoredItem[],
): Pick<ResourceSummary, 'status' | 'overallSeverity' | 'compliant' | 'nonCompliant'> {
  const compliant = emptyCounts();
  const nonCompliant = emptyCounts();
  const failing: string[] = [];
  for (const item of items) {
    if (item.status === 'NON_COMPLIANT') {
      count(nonCompliant, item.severity);
      failing.push(item.severity);
    } else {
      count(compliant, item.severity);
    }
  }
  return failing.length > 0
    ? { status: 'NON_COMPLIANT', overallSeverity: highest(failing), compliant, nonCompliant }
    : {
        status: 'COMPLIANT',
        overallSeverity: highest(items.map((i) => i.severity)),
        compliant,
        nonCompliant,
      };
}

/** The instances' platforms, read from the fleet only when a filter asks for them. */
export async function platforms(ctx: RequestContext, filters: ParsedFilter[]): Promise<Map<string, string>> {
  const byId = new Map<string, string>();
  if (!needsPlatform(filters)) return byId;
  const fleet = ctx.services.registry.get(FLEET);
  for (const instance of await fleet.list(ctx.accountId, ctx.region)) {
    byId.set(instance.instanceId, instance.platformType);
  }
  return byId;
}

/**
 * Every resource's summary for every type it holds, built from the items that pass the item-level
 * filters (Id, Title, Severity, Details keys) and kept when it passes the others.
 */
export async function resourceSummaries(
  ctx: RequestContext,
  filters: ParsedFilter[],
): Promise<ResourceSummary[]> {
  const platformOf = await platforms(ctx, filters);
  const itemFilters = filters.filter((f) => f.itemLevel);
  const summaryFilters = filters.filter((f) => !f.itemLevel);
  const summaries: ResourceSummary[] = [];
  for (const resource of Object.values(stateOf(ctx.scope).resources)) {
    const platformType = platformOf.get(resource.resourceId);
    for (const [complianceType, record] of Object.entries(resource.types)) {
      const base: Subject = {
        resourceId: resource.resourceId,
        resourceType: resource.resourceType,
        complianceType,
        execution: record.execution,
        ...(platformType !== undefined ? { platformType } : {}),
      };
      const items =
        itemFilters.length === 0
          ? record.items
          : record.items.filter((item) => matchesAll(itemFilters, { ...base, item }));
      if (items.length === 0) continue;
      const summary = { ...base, ...summarize(items) };
      if (matchesAll(summaryFilters, summary)) summaries.push(summary);
    }
  }
  return summaries;
}
