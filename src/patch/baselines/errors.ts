// Patch baseline errors, with AWS's text where it is known (users' reports quoting the service, and
// the texts other emulators recorded from it). Texts marked "wording ours" are plain sentences in
// AWS's style.
import { SsmError, errors } from '../../protocol/errors.js';

/** Patch baselines per account and region (Service Quotas: "Patch baselines", 50). */
export const MAX_BASELINES = 50;
/** Patch groups per patch baseline (Service Quotas, 25). */
export const MAX_GROUPS_PER_BASELINE = 25;

export const baselineErrors = {
  /** Quoted by users (hashicorp/terraform#18099). */
  doesNotExist: () => new SsmError('DoesNotExistException', 'Patch Baseline to be retrieved does not exist.'),
  // Wording ours.
  invalidId: (id: string) => new SsmError('InvalidResourceId', `Patch baseline ID ${id} is not valid.`),
  /** Quoted by users (rebuy-de/aws-nuke#321). */
  usedByGroup: (patchGroup: string) =>
    new SsmError(
      'ResourceInUseException',
      `PatchBaseline to be deleted is used for Patch Group: ${patchGroup}`,
    ),
  // Wording ours, in the same form.
  isDefault: (operatingSystem: string) =>
    new SsmError(
      'ResourceInUseException',
      `PatchBaseline to be deleted is the default patch baseline for OperatingSystem ${operatingSystem}.`,
    ),
  // Wording ours.
  predefined: () =>
    new SsmError('ResourceInUseException', 'A patch baseline provided by AWS cannot be deleted or modified.'),
  /** The text other emulators recorded from the service (moto). */
  groupHasBaseline: (operatingSystem: string) =>
    new SsmError(
      'AlreadyExistsException',
      `Patch Group baseline already has a baseline registered for OperatingSystem ${operatingSystem}.`,
    ),
  // Wording ours.
  notRegistered: (patchGroup: string, baselineId: string) =>
    new SsmError(
      'InvalidResourceId',
      `Patch Group ${patchGroup} is not registered with patch baseline ${baselineId}.`,
    ),
  // Wording ours.
  tooManyBaselines: () =>
    new SsmError(
      'ResourceLimitExceededException',
      `You have reached the maximum of ${MAX_BASELINES} patch baselines in this account and region.`,
    ),
  // Wording ours.
  tooManyGroups: (baselineId: string) =>
    new SsmError(
      'ResourceLimitExceededException',
      `Patch baseline ${baselineId} already has the maximum of ${MAX_GROUPS_PER_BASELINE} patch groups.`,
    ),
  /** The shape carries no message. */
  idempotentMismatch: () => new SsmError('IdempotentParameterMismatch', ''),
  /** Recorded empty by users of GetDeployablePatchSnapshotForInstance (amazon-ssm-agent#459, #592). */
  unsupportedOs: (message = '') => new SsmError('UnsupportedOperatingSystem', message),
  // Wording ours.
  unknownInstance: (instanceId: string) =>
    new SsmError(
      'InvalidInstanceId',
      `Instance ${instanceId} is not a managed instance of this account and region.`,
    ),
  validation: (message: string) => errors.validation(message),
};
