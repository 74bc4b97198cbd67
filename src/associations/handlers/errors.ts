// State Manager's request errors, with AWS's text where it is known (AWS CLI examples, users'
// reports quoting the service). Texts marked "wording ours" are plain sentences in AWS's style.
import { SsmError, errors } from '../../protocol/errors.js';

/** Associations per account and region (AssociationLimitExceeded). */
export const MAX_ASSOCIATIONS = 2000;
/** Versions per association (AssociationVersionLimitExceeded). */
export const MAX_VERSIONS = 1000;

export const associationErrors = {
  /** "Association <id> does not exist." (quoted by users of the service, terraform-provider-aws#3416). */
  doesNotExist: (associationId: string) =>
    new SsmError('AssociationDoesNotExist', `Association ${associationId} does not exist.`),
  // Wording ours, in the same form.
  legacyDoesNotExist: (name: string, instanceId: string) =>
    new SsmError(
      'AssociationDoesNotExist',
      `Association between document ${name} and instance ${instanceId} does not exist.`,
    ),
  // Wording ours.
  identifierMissing: () =>
    new SsmError(
      'AssociationDoesNotExist',
      'Specify an AssociationId, or the Name and InstanceId of an association created with an instance ID.',
    ),
  /** The shape carries no message; CreateAssociationBatch reports "Association Already Exists". */
  alreadyExists: () => new SsmError('AssociationAlreadyExists', ''),
  /** The shape carries no message. */
  limitExceeded: () => new SsmError('AssociationLimitExceeded', ''),
  // Wording ours.
  versionLimitExceeded: (associationId: string) =>
    new SsmError(
      'AssociationVersionLimitExceeded',
      `Association ${associationId} has reached the limit of ${MAX_VERSIONS} versions.`,
    ),
  // Wording ours.
  invalidVersion: (version: string) =>
    new SsmError(
      'InvalidAssociationVersion',
      `Association version ${version} is not valid or does not exist.`,
    ),
  // Wording ours.
  notLatestVersion: (given: string, latest: number) =>
    new SsmError(
      'InvalidAssociationVersion',
      `Association version ${given} is not the latest version of the association (${latest}). ` +
        'Specify the latest version or $LATEST.',
    ),
  // Wording ours.
  invalidInstanceId: (instanceId: string) =>
    new SsmError(
      'InvalidInstanceId',
      `Instance ${instanceId} is not a managed instance of this account and region.`,
    ),
  /** terraform-provider-aws#10261 quotes this text. */
  noTargets: () => new SsmError('InvalidTarget', 'Instance ID or targets must be specified'),
  /** terraform-provider-aws#15895 quotes this text for a target key State Manager does not take. */
  unsupportedTarget: () => new SsmError('InvalidTarget', 'Unsupported Target Type'),
  // Wording ours.
  invalidTarget: (message: string) => new SsmError('InvalidTarget', message),
  // Wording ours.
  invalidTargetMaps: (message: string) => new SsmError('InvalidTargetMaps', message),
  invalidSchedule: (message: string) => new SsmError('InvalidSchedule', message),
  /** The shape carries no message. */
  invalidOutputLocation: () => new SsmError('InvalidOutputLocation', ''),
  // Wording ours.
  invalidUpdate: (message: string) => new SsmError('InvalidUpdate', message),
  /** The shape carries no message. */
  statusUnchanged: () => new SsmError('StatusUnchanged', ''),
  // Wording ours.
  invalidTag: () => new SsmError('InvalidTag', 'Tag keys beginning with "aws:" are reserved.'),
  // Wording ours.
  invalidFilterValue: (key: string, value: string) =>
    errors.validation(`The value ${value} of filter ${key} is not a valid date.`),
};
