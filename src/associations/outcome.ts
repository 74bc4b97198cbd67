// How a run's results read in State Manager's terms: a command invocation's end becomes a target's
// status and an instance's status with the SSM Agent's execution summary, and per-instance statuses
// add up to the association's overview. Pure functions over plain records.
import type { SendCommandRequest } from '@aws-sdk/client-ssm';
import type { InvocationEnded, PluginResult } from '../commands/api.js';
import type { RequestContext } from '../core/capability.js';
import type { ManagedInstance } from '../instances/api.js';
import { associationsState, keys, type StoredAssociation, type StoredInstanceStatus } from './state.js';

/** What the SSM Agent writes while a run waits and while it runs (contracts.AssociationPendingMessage, ...). */
export const PENDING_MESSAGE = 'Association is pending';
export const IN_PROGRESS_MESSAGE = 'Executing association';
/** The agent's error code for a document that ran and failed (contracts.AssociationErrorCodeExecutionError). */
export const EXECUTION_ERROR = 'ExecutionError';
/** ...and for an association that could not be turned into a run (AssociationErrorCodeInvalidAssociation). */
export const INVALID_ASSOCIATION = 'InvalidAssoc';

/** InstanceAssociationExecutionSummary's model limit. */
const SUMMARY_MAX = 512;

const TERMINAL_PLUGIN = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

/**
 * The agent's summary, as DescribeInstanceAssociationsStatus shows it: "1 out of 1 plugin processed,
 * 1 success, 0 failed, 0 timedout, 0 skipped. " followed, for each failed plugin, by "\nThe operation
 * <plugin> failed because <stderr>." (amazon-ssm-agent, association/processor buildOutput).
 */
export function executionSummary(plugins: PluginResult[]): string {
  const total = plugins.length;
  const skipped = plugins.filter((p) => p.status === 'Success' && p.statusDetails === 'Skipped').length;
  const success = plugins.filter((p) => p.status === 'Success').length - skipped;
  const failed = plugins.filter((p) => p.status === 'Failed');
  const timedOut = plugins.filter((p) => p.status === 'TimedOut').length;
  const processed = plugins.filter((p) => TERMINAL_PLUGIN.has(p.status)).length;
  const report = failed.map((p) => `\nThe operation ${p.name} failed because ${p.stderr.trim()}.`).join('');
  const text =
    `${processed} out of ${total} plugin${total > 1 ? 's' : ''} processed, ${success} success, ` +
    `${failed.length} failed, ${timedOut} timedout, ${skipped} skipped. ${report}`;
  return text.length > SUMMARY_MAX ? text.slice(0, SUMMARY_MAX) : text;
}

export interface TargetOutcome {
  /** Success or Failed (AssociationStatusName). */
  status: 'Success' | 'Failed';
  /** The invocation's StatusDetails: Success, Failed, ExecutionTimedOut, Undeliverable, ... */
  detailedStatus: string;
  summary: string;
  errorCode?: string;
}

export function targetOutcome(invocation: InvocationEnded): TargetOutcome {
  const success = invocation.status === 'Success';
  return {
    status: success ? 'Success' : 'Failed',
    detailedStatus: invocation.statusDetails || invocation.status,
    summary: executionSummary(invocation.plugins),
    ...(success ? {} : { errorCode: EXECUTION_ERROR }),
  };
}

/** AWS renders ResourceCountByStatus as a Java map: "{Failed=1, Success=2}" (keys in order). */
export function renderCounts(counts: Record<string, number>): string {
  const entries = Object.keys(counts)
    .sort()
    .map((key) => `${key}=${counts[key]}`);
  return `{${entries.join(', ')}}`;
}

export function countBy<T>(items: T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const key = keyOf(item);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * The association's overview from the latest status of each instance it has been applied to:
 * Failed when any failed, Pending while any has not finished, Success when all succeeded.
 */
export function overviewOf(statuses: StoredInstanceStatus[]): StoredAssociation['overview'] | undefined {
  if (statuses.length === 0) return undefined;
  const counts = countBy(statuses, (s) => s.status);
  const status = counts.Failed ? 'Failed' : counts.Pending || counts.InProgress ? 'Pending' : 'Success';
  const detailedStatus = status === 'Pending' ? (counts.InProgress ? 'InProgress' : 'Pending') : status;
  return { Status: status, DetailedStatus: detailedStatus, AssociationStatusAggregatedCount: counts };
}

/** The overview from the latest status on each instance the association is applied to. */
export function overviewFor(
  ctx: RequestContext,
  association: StoredAssociation,
): StoredAssociation['overview'] | undefined {
  const state = associationsState(ctx.scope);
  const statuses = (association.ranOn ?? [])
    .map((id) => state.instanceStatus[keys.instanceStatus(association.associationId, id)])
    .filter((s) => s !== undefined);
  return overviewOf(statuses);
}

/** The SendCommand a run of the association makes (its document, parameters and limits). */
export function sendRequest(
  association: StoredAssociation,
  instances: ManagedInstance[],
): SendCommandRequest {
  const s = association.settings;
  const s3 = s.OutputLocation?.S3Location;
  return {
    DocumentName: s.Name,
    ...(s.DocumentVersion ? { DocumentVersion: s.DocumentVersion } : {}),
    ...(s.Parameters ? { Parameters: s.Parameters } : {}),
    InstanceIds: instances.map((i) => i.instanceId),
    ...(s.MaxConcurrency ? { MaxConcurrency: s.MaxConcurrency } : {}),
    ...(s.MaxErrors ? { MaxErrors: s.MaxErrors } : {}),
    ...(s3?.OutputS3BucketName ? { OutputS3BucketName: s3.OutputS3BucketName } : {}),
    ...(s3?.OutputS3KeyPrefix ? { OutputS3KeyPrefix: s3.OutputS3KeyPrefix } : {}),
    ...(s3?.OutputS3Region ? { OutputS3Region: s3.OutputS3Region } : {}),
  };
}
