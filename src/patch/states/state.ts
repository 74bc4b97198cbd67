// What AWS-RunPatchBaseline recorded for each instance of one account and region: its patch state
// (the counts DescribeInstancePatchStates answers), its patches (DescribeInstancePatches), and what the
// agent keeps on the instance between runs (the patches installed by a NoReboot install, still
// pending a reboot). One record per instance, so a run writes only its own.
import type { ChangedRecord } from '../../core/capability.js';
import type { RegionScope } from '../../store/store.js';

export const CAPABILITY = 'patchStates';

/** The counts of an InstancePatchState, by their API names. */
export interface PatchCounts {
  InstalledCount: number;
  InstalledOtherCount: number;
  InstalledPendingRebootCount: number;
  InstalledRejectedCount: number;
  MissingCount: number;
  FailedCount: number;
  UnreportedNotApplicableCount: number;
  NotApplicableCount: number;
  AvailableSecurityUpdateCount: number;
  CriticalNonCompliantCount: number;
  SecurityNonCompliantCount: number;
  OtherNonCompliantCount: number;
}

export interface StoredPatch {
  Title: string;
  KBId: string;
  Classification: string;
  Severity: string;
  /** PatchComplianceDataState (INSTALLED, MISSING, ...). */
  State: string;
  /** Epoch ms; 0 when not installed (AWS answers 1970-01-01 then). */
  InstalledTime: number;
  CVEIds?: string;
  /** The baseline's compliance level for it (the Severity of its compliance item). */
  complianceLevel: string;
}

export interface StoredPatchState {
  instanceId: string;
  patchGroup: string;
  baselineId: string;
  snapshotId: string;
  installOverrideList?: string;
  ownerInformation?: string;
  operation: 'Scan' | 'Install';
  rebootOption?: string;
  operationStartTime: number;
  operationEndTime: number;
  lastNoRebootInstallOperationTime?: number;
  counts: PatchCounts;
}

export interface InstancePatchRecord {
  state: StoredPatchState;
  patches: StoredPatch[];
  /**
   * KBIds (package ids) a NoReboot install put in place, and when, still pending a reboot: the
   * agent's patch-states configuration on the instance.
   */
  pendingReboot?: Record<string, number>;
}

export interface PatchStatesState {
  /** Keyed by instance id. */
  instances: Record<string, InstancePatchRecord>;
}

export function patchStatesState(scope: RegionScope): PatchStatesState {
  const state = scope.get<PatchStatesState>(CAPABILITY, () => ({ instances: {} }));
  state.instances ??= {};
  return state;
}

export function findRecord(state: PatchStatesState, instanceId: string): InstancePatchRecord | undefined {
  return Object.hasOwn(state.instances, instanceId) ? state.instances[instanceId] : undefined;
}

export function instanceRecord(instanceId: string): ChangedRecord {
  return { capability: CAPABILITY, collection: 'instances', key: instanceId };
}
