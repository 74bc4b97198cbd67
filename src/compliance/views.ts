// How stored compliance reads in answers, and the paging the three List operations share.
import type { ComplianceExecutionSummary } from '@aws-sdk/client-ssm';
import { pageAfterKey, sortedByKey } from '../core/pagination.js';
import type { StoredExecution } from './state.js';

/** AWS's default page when MaxResults is not given is not on record; 10 as most SSM List operations. */
export const DEFAULT_MAX_RESULTS = 10;

export function executionSummary(execution: StoredExecution): ComplianceExecutionSummary {
  return {
    ExecutionTime: new Date(execution.time),
    ...(execution.id !== undefined ? { ExecutionId: execution.id } : {}),
    ...(execution.type !== undefined ? { ExecutionType: execution.type } : {}),
  };
}

/** One page of rows in the order of their unique sort keys, resuming after a NextToken's key. */
export function page<T>(
  operation: string,
  rows: { key: string; row: T }[],
  request: { NextToken?: string | undefined; MaxResults?: number | undefined },
  defaultMax = DEFAULT_MAX_RESULTS,
): { rows: T[]; nextToken?: string } {
  const sorted = sortedByKey(rows, (r) => r.key);
  const result = pageAfterKey(
    operation,
    sorted,
    (r) => r.key,
    request.MaxResults ?? defaultMax,
    request.NextToken,
  );
  return {
    rows: result.items.map((r) => r.row),
    ...(result.nextToken !== undefined ? { nextToken: result.nextToken } : {}),
  };
}
