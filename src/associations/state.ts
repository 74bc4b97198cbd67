// State Manager state, kept in the store per account and region as keyed records (each write
// journals just the records it names). Plain JSON only: times are epoch milliseconds.
//
// Ownership: the request handlers (create, update, delete, describe, list, versions) write
// `associations` and `versions`; the engine (engine.ts: schedules, runs, executions, per-instance
// status) writes `executions`, `targets`, `instanceStatus` and the run fields of an association
// (overview, lastExecutionAt, lastSuccessfulExecutionAt, nextRunAt, ranOn).
import type {
  AlarmConfiguration,
  InstanceAssociationOutputLocation,
  Target,
  TargetLocation,
} from '@aws-sdk/client-ssm';
import type { ChangedRecord, Tag } from '../core/capability.js';
import type { RegionScope } from '../store/store.js';

export const CAPABILITY = 'associations';

/**
 * What one AssociationVersion fixes: AssociationVersionInfo's members in the SDK's own names (no
 * dates: the version's CreatedDate is StoredVersion.createdAt). Absent members were not given.
 */
export interface AssociationSettings {
  Name: string;
  DocumentVersion?: string;
  InstanceId?: string;
  Parameters?: Record<string, string[]>;
  Targets?: Target[];
  ScheduleExpression?: string;
  OutputLocation?: InstanceAssociationOutputLocation;
  AssociationName?: string;
  AutomationTargetParameterName?: string;
  MaxErrors?: string;
  MaxConcurrency?: string;
  ComplianceSeverity?: string;
  SyncCompliance?: string;
  ApplyOnlyAtCronInterval?: boolean;
  CalendarNames?: string[];
  TargetLocations?: TargetLocation[];
  ScheduleOffset?: number;
  Duration?: number;
  TargetMaps?: Record<string, string[]>[];
  AlarmConfiguration?: AlarmConfiguration;
  AssociationDispatchAssumeRole?: string;
}

export interface StoredAssociation {
  associationId: string;
  /** Orders associations: one more than the largest seq stored when it was created. */
  seq: number;
  /** The latest version's settings (what runs). */
  settings: AssociationSettings;
  /** The latest AssociationVersion (1, 2, ...). */
  version: number;
  createdAt: number;
  updatedAt: number;
  tags: Tag[];
  /** AssociationDescription.Status, for associations UpdateAssociationStatus changed (legacy API). */
  legacyStatus?: { Date: number; Name: string; Message: string; AdditionalInfo?: string };

  // ---- written by the engine ----
  /** AssociationOverview: Pending until the first run ends, then Success or Failed. */
  overview: {
    Status: string;
    DetailedStatus?: string;
    AssociationStatusAggregatedCount?: Record<string, number>;
  };
  lastExecutionAt?: number;
  lastSuccessfulExecutionAt?: number;
  /** When the schedule next runs it (epoch ms); absent without a schedule. Kept for restarts. */
  nextRunAt?: number;
  /** The instances it has been applied to at least once (a newly matching instance gets a run). */
  ranOn?: string[];
}

export interface StoredVersion {
  associationId: string;
  version: number;
  createdAt: number;
  settings: AssociationSettings;
}

/** One run of an association over its targets (DescribeAssociationExecutions). */
export interface StoredExecution {
  associationId: string;
  associationVersion: number;
  executionId: string;
  /** Orders executions of one association (newest first when listed). */
  seq: number;
  /** Pending, InProgress, Success, Failed. */
  status: string;
  detailedStatus: string;
  createdAt: number;
  lastExecutionAt?: number;
  /** e.g. { Success: 2, Failed: 1 } (AWS renders it as "{Failed=1, Success=2}"). */
  resourceCountByStatus: Record<string, number>;
  /** The Run Command command that carries the run, once sent. */
  commandId?: string;
}

/** One target of one execution (DescribeAssociationExecutionTargets). */
export interface StoredExecutionTarget {
  associationId: string;
  associationVersion: number;
  executionId: string;
  resourceId: string;
  resourceType: string;
  status: string;
  detailedStatus: string;
  lastExecutionAt: number;
  /** The command invocation holding the output (OutputSourceType RunCommand). */
  outputSourceId?: string;
}

/** The latest run of one association on one instance (DescribeInstanceAssociationsStatus). */
export interface StoredInstanceStatus {
  associationId: string;
  instanceId: string;
  associationVersion: number;
  name: string;
  documentVersion?: string;
  associationName?: string;
  executionDate: number;
  /** Pending, Success, Failed. */
  status: string;
  detailedStatus: string;
  executionSummary: string;
  errorCode?: string;
  outputUrl?: string;
}

export interface AssociationsState {
  /** By AssociationId. */
  associations: Record<string, StoredAssociation>;
  /** By `<AssociationId>/<version>`. */
  versions: Record<string, StoredVersion>;
  /** By `<AssociationId>/<ExecutionId>`. */
  executions: Record<string, StoredExecution>;
  /** By `<AssociationId>/<ExecutionId>/<ResourceId>`. */
  targets: Record<string, StoredExecutionTarget>;
  /** By `<AssociationId>/<InstanceId>`. */
  instanceStatus: Record<string, StoredInstanceStatus>;
}

export type Collection = 'associations' | 'versions' | 'executions' | 'targets' | 'instanceStatus';

export function associationsState(scope: RegionScope): AssociationsState {
  const state = scope.get<AssociationsState>(CAPABILITY, () => ({
    associations: {},
    versions: {},
    executions: {},
    targets: {},
    instanceStatus: {},
  }));
  state.versions ??= {};
  state.executions ??= {};
  state.targets ??= {};
  state.instanceStatus ??= {};
  return state;
}

export function findAssociation(scope: RegionScope, associationId: string): StoredAssociation | undefined {
  const all = associationsState(scope).associations;
  return Object.hasOwn(all, associationId) ? all[associationId] : undefined;
}

/** Every association of this account and region, oldest first. */
export function associationList(scope: RegionScope): StoredAssociation[] {
  return Object.values(associationsState(scope).associations).sort((a, b) => a.seq - b.seq);
}

export const keys = {
  version: (associationId: string, version: number): string => `${associationId}/${version}`,
  execution: (associationId: string, executionId: string): string => `${associationId}/${executionId}`,
  target: (associationId: string, executionId: string, resourceId: string): string =>
    `${associationId}/${executionId}/${resourceId}`,
  instanceStatus: (associationId: string, instanceId: string): string => `${associationId}/${instanceId}`,
};

/** The store record of one entry of a collection, for ctx.persist(). */
export function record(collection: Collection, key: string): ChangedRecord {
  return { capability: CAPABILITY, collection, key };
}

/**
 * Deletes a record from the state; persist the same record afterwards so the journal writes its
 * removal (a record whose key is gone is written as deleted).
 */
export function removeRecord(state: AssociationsState, collection: Collection, key: string): ChangedRecord {
  delete state[collection][key];
  return record(collection, key);
}
