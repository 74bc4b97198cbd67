// From a baseline's verdicts to what AWS's patching payload reports (patch_common/package_compliance.py
// of Amazon's patch-baseline-operations): the instance's patches, the counts of its patch state, and
// one Patch compliance item per patch that is not merely NotApplicable.
import type { ComplianceEntry } from '../../compliance/api.js';
import type { BaselineRules, PatchVerdict } from '../model.js';
import type { PatchCounts, StoredPatch, StoredPatchState } from './state.js';

/** PatchComplianceDataState → the PatchState word AWS writes in compliance Details. */
export const PATCH_STATE_WORDS: Record<string, string> = {
  INSTALLED: 'Installed',
  INSTALLED_OTHER: 'InstalledOther',
  INSTALLED_PENDING_REBOOT: 'InstalledPendingReboot',
  INSTALLED_REJECTED: 'InstalledRejected',
  MISSING: 'Missing',
  FAILED: 'Failed',
  NOT_APPLICABLE: 'NotApplicable',
  AVAILABLE_SECURITY_UPDATE: 'AvailableSecurityUpdate',
};

const ALWAYS_NON_COMPLIANT = new Set(['INSTALLED_REJECTED', 'INSTALLED_PENDING_REBOOT', 'MISSING', 'FAILED']);

/** Whether a patch in this state makes the instance non-compliant under these rules. */
export function isNonCompliant(state: string, rules: BaselineRules): boolean {
  if (ALWAYS_NON_COMPLIANT.has(state)) return true;
  return (
    state === 'AVAILABLE_SECURITY_UPDATE' &&
    rules.AvailableSecurityUpdatesComplianceStatus === 'NON_COMPLIANT'
  );
}

/** What happened to each package during an Install, by package name. */
export interface InstallMarks {
  failed: Set<string>;
  /** KBIds installed and still pending a reboot (NoReboot), with when they were installed (ms). */
  pendingReboot: Record<string, number>;
}

/** The patches to store, in AWS's order (by KBId), with the install's outcome applied. */
export function patchesOf(verdicts: PatchVerdict[], marks?: InstallMarks): StoredPatch[] {
  const patches = verdicts.map((verdict): StoredPatch => {
    let state = verdict.state;
    let installedTime = verdict.package.installedVersion ? (verdict.package.installedAt ?? 0) : 0;
    if (marks) {
      const pendingSince = marks.pendingReboot[verdict.kbId];
      if (state === 'MISSING' && marks.failed.has(verdict.package.name)) state = 'FAILED';
      else if (pendingSince !== undefined && state.startsWith('INSTALLED')) {
        state = 'INSTALLED_PENDING_REBOOT';
        installedTime ||= pendingSince;
      }
    }
    return {
      Title: verdict.title,
      KBId: verdict.kbId,
      Classification: verdict.classification,
      Severity: verdict.severity,
      State: state,
      InstalledTime: state.startsWith('INSTALLED') ? installedTime : 0,
      complianceLevel: verdict.complianceLevel,
    };
  });
  return patches.sort((a, b) => (a.KBId < b.KBId ? -1 : a.KBId > b.KBId ? 1 : 0));
}

export function countsOf(patches: StoredPatch[], rules: BaselineRules): PatchCounts {
  const counts: PatchCounts = {
    InstalledCount: 0,
    InstalledOtherCount: 0,
    InstalledPendingRebootCount: 0,
    InstalledRejectedCount: 0,
    MissingCount: 0,
    FailedCount: 0,
    UnreportedNotApplicableCount: 0,
    NotApplicableCount: 0,
    AvailableSecurityUpdateCount: 0,
    CriticalNonCompliantCount: 0,
    SecurityNonCompliantCount: 0,
    OtherNonCompliantCount: 0,
  };
  const key: Record<string, keyof PatchCounts> = {
    INSTALLED: 'InstalledCount',
    INSTALLED_OTHER: 'InstalledOtherCount',
    INSTALLED_PENDING_REBOOT: 'InstalledPendingRebootCount',
    INSTALLED_REJECTED: 'InstalledRejectedCount',
    MISSING: 'MissingCount',
    FAILED: 'FailedCount',
    NOT_APPLICABLE: 'NotApplicableCount',
    AVAILABLE_SECURITY_UPDATE: 'AvailableSecurityUpdateCount',
  };
  for (const patch of patches) {
    const counted = key[patch.State];
    if (counted) counts[counted]++;
    if (!isNonCompliant(patch.State, rules)) continue;
    // AWS's _get_count: critical and security may both count one patch; "other" is neither.
    const critical = patch.complianceLevel === 'CRITICAL';
    const security = patch.Classification.toLowerCase() === 'security';
    if (critical) counts.CriticalNonCompliantCount++;
    if (security) counts.SecurityNonCompliantCount++;
    if (!critical && !security) counts.OtherNonCompliantCount++;
  }
  return counts;
}

/** AWS's compliance formatting of an installed time: `%Y-%m-%dT%H:%M:%SZ`, or "" when not installed. */
export function complianceTime(epochMs: number): string {
  return epochMs > 0 ? new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}

/**
 * One item per patch as AWS's patching writes them (NotApplicable ones are left out, as AWS does by
 * default): Id the KBId, Title, Severity the baseline's compliance level, and AWS's Details.
 */
export function complianceItemsOf(
  patches: StoredPatch[],
  state: StoredPatchState,
  rules: BaselineRules,
): ComplianceEntry[] {
  return patches
    .filter((patch) => patch.State !== 'NOT_APPLICABLE')
    .map((patch) => {
      const details: Record<string, string> = {
        PatchBaselineId: state.baselineId,
        PatchState: PATCH_STATE_WORDS[patch.State] ?? patch.State,
        PatchGroup: state.patchGroup,
        DocumentName: '',
        DocumentVersion: '',
        InstalledTime: complianceTime(patch.InstalledTime),
        Classification: patch.Classification,
        PatchSeverity: patch.Severity,
      };
      if (patch.CVEIds && (patch.State === 'MISSING' || patch.State === 'FAILED'))
        details['CVEIds'] = patch.CVEIds;
      if (state.installOverrideList) details['InstallOverrideList'] = state.installOverrideList;
      return {
        Id: patch.KBId,
        Title: patch.Title,
        Severity: patch.complianceLevel || 'UNSPECIFIED',
        Status: isNonCompliant(patch.State, rules) ? 'NON_COMPLIANT' : 'COMPLIANT',
        Details: details,
      };
    });
}
