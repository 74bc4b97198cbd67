// The ComplianceStringFilter of the three List operations: Key, Values (any of them may match) and
// Type (EQUAL by default, NOT_EQUAL, BEGIN_WITH, LESS_THAN, GREATER_THAN).
//
// Keys: the item's and resource's own fields (ComplianceType, Id, Title, Status, Severity,
// ResourceId or InstanceId, ResourceType, ExecutionId, ExecutionType, ExecutionTime, OverallSeverity
// for resource summaries), the instance's AWS:InstanceInformation.InstanceId and .PlatformType, and
// any other key names an item's Details entry (DocumentName, PatchGroup, ...), as AWS's examples use
// them. ExecutionTime compares as a time (ISO 8601 or epoch seconds), Severity and OverallSeverity by
// rank (UNSPECIFIED < INFORMATIONAL < LOW < MEDIUM < HIGH < CRITICAL), everything else as text.
import type { ComplianceStringFilter } from '@aws-sdk/client-ssm';
import { complianceErrors } from './errors.js';
import { SEVERITIES, STATUSES, type StoredExecution, type StoredItem } from './state.js';

type Operator = 'EQUAL' | 'NOT_EQUAL' | 'BEGIN_WITH' | 'LESS_THAN' | 'GREATER_THAN';

export interface ParsedFilter {
  key: string;
  values: string[];
  type: Operator;
  /** Applies to items (true) or to a resource's summary for a type (false), in the summaries. */
  itemLevel: boolean;
}

/** What a filter reads: an item with its resource, or a resource's summary for one type. */
export interface Subject {
  resourceId: string;
  resourceType: string;
  complianceType: string;
  execution: StoredExecution;
  item?: StoredItem;
  /** A resource summary's Status and OverallSeverity. */
  status?: string;
  overallSeverity?: string;
  platformType?: string;
}

const PLATFORM_KEY = 'AWS:InstanceInformation.PlatformType';
const INSTANCE_KEY = 'AWS:InstanceInformation.InstanceId';
const RESOURCE_KEYS = new Set([
  'ComplianceType',
  'ResourceId',
  'InstanceId',
  'ResourceType',
  'ExecutionId',
  'ExecutionType',
  'ExecutionTime',
  'Status',
  'OverallSeverity',
  PLATFORM_KEY,
  INSTANCE_KEY,
]);
const ENUMS: Record<string, readonly string[]> = {
  Status: STATUSES,
  Severity: SEVERITIES,
  OverallSeverity: SEVERITIES,
};
/** Rank of a severity: higher is more severe. */
export const severityRank = (severity: string): number =>
  SEVERITIES.length - SEVERITIES.indexOf(severity as never);

function parseTime(key: string, value: string): number {
  const trimmed = value.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed);
  if (trimmed === '' || !Number.isFinite(ms)) {
    throw complianceErrors.filterValue(key, value, 'a date and time such as 2019-02-18T16:00:00Z');
  }
  return ms;
}

export function parseFilters(filters: ComplianceStringFilter[] | undefined): ParsedFilter[] {
  return (filters ?? []).map((filter) => {
    const key = filter.Key;
    if (key === undefined) throw complianceErrors.filterKeyMissing();
    const values = filter.Values;
    if (values === undefined || values.length === 0) throw complianceErrors.filterValuesMissing(key);
    if (key.startsWith('AWS:') && key !== PLATFORM_KEY && key !== INSTANCE_KEY) {
      throw complianceErrors.filterKey(key, `${INSTANCE_KEY} and ${PLATFORM_KEY} among the AWS: keys`);
    }
    const allowed = ENUMS[key];
    for (const value of values) {
      if (allowed && !allowed.includes(value))
        throw complianceErrors.filterValue(key, value, allowed.join(', '));
      if (key === 'ExecutionTime') parseTime(key, value);
    }
    return { key, values, type: filter.Type ?? 'EQUAL', itemLevel: !RESOURCE_KEYS.has(key) };
  });
}

/** Whether any filter needs the instances' platform. */
export const needsPlatform = (filters: ParsedFilter[]): boolean =>
  filters.some((f) => f.key === PLATFORM_KEY);

function attribute(subject: Subject, key: string): string | number | undefined {
  const item = subject.item;
  switch (key) {
    case 'ComplianceType':
      return subject.complianceType;
    case 'ResourceId':
    case 'InstanceId':
    case INSTANCE_KEY:
      return subject.resourceId;
    case 'ResourceType':
      return subject.resourceType;
    case 'ExecutionId':
      return subject.execution.id;
    case 'ExecutionType':
      return subject.execution.type;
    case 'ExecutionTime':
      return subject.execution.time;
    case 'Status':
      return item ? item.status : subject.status;
    case 'OverallSeverity':
      return subject.overallSeverity;
    case PLATFORM_KEY:
      return subject.platformType;
    case 'Id':
      return item?.id;
    case 'Title':
      return item?.title ?? (item ? '' : undefined);
    case 'Severity':
      return item?.severity;
    default:
      return item?.details?.[key];
  }
}

/** -1, 0 or 1: the attribute against one filter value, in the key's own order. */
function compare(key: string, actual: string | number, value: string): number {
  if (key === 'ExecutionTime') return Math.sign((actual as number) - parseTime(key, value));
  if (key === 'Severity' || key === 'OverallSeverity') {
    return Math.sign(severityRank(String(actual)) - severityRank(value));
  }
  const text = String(actual);
  return text < value ? -1 : text > value ? 1 : 0;
}

export function matches(filter: ParsedFilter, subject: Subject): boolean {
  const actual = attribute(subject, filter.key);
  if (actual === undefined) return filter.type === 'NOT_EQUAL';
  switch (filter.type) {
    case 'EQUAL':
      return filter.values.some((value) => compare(filter.key, actual, value) === 0);
    case 'NOT_EQUAL':
      return filter.values.every((value) => compare(filter.key, actual, value) !== 0);
    case 'BEGIN_WITH':
      return filter.values.some((value) => String(actual).startsWith(value));
    case 'LESS_THAN':
      return filter.values.some((value) => compare(filter.key, actual, value) < 0);
    case 'GREATER_THAN':
      return filter.values.some((value) => compare(filter.key, actual, value) > 0);
  }
}

export const matchesAll = (filters: ParsedFilter[], subject: Subject): boolean =>
  filters.every((filter) => matches(filter, subject));
