// Stored records as the API answers them (InstancePatchState, PatchComplianceData).
import type { InstancePatchState, PatchComplianceData } from '@aws-sdk/client-ssm';
import type { StoredPatch, StoredPatchState } from './state.js';

export function instancePatchStateView(state: StoredPatchState): InstancePatchState {
  return {
    InstanceId: state.instanceId,
    PatchGroup: state.patchGroup,
    BaselineId: state.baselineId,
    SnapshotId: state.snapshotId,
    ...(state.installOverrideList ? { InstallOverrideList: state.installOverrideList } : {}),
    ...(state.ownerInformation ? { OwnerInformation: state.ownerInformation } : {}),
    ...state.counts,
    OperationStartTime: new Date(state.operationStartTime),
    OperationEndTime: new Date(state.operationEndTime),
    Operation: state.operation,
    ...(state.lastNoRebootInstallOperationTime
      ? { LastNoRebootInstallOperationTime: new Date(state.lastNoRebootInstallOperationTime) }
      : {}),
    ...(state.rebootOption ? { RebootOption: state.rebootOption as InstancePatchState['RebootOption'] } : {}),
  };
}

export function patchView(patch: StoredPatch): PatchComplianceData {
  return {
    Title: patch.Title,
    KBId: patch.KBId,
    Classification: patch.Classification,
    Severity: patch.Severity,
    State: patch.State as PatchComplianceData['State'],
    InstalledTime: new Date(patch.InstalledTime),
    ...(patch.CVEIds ? { CVEIds: patch.CVEIds } : {}),
  };
}
