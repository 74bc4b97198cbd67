// The instances capability's errors: its SSM operations (DescribeInstanceInformation,
// DeregisterManagedInstance, the activations) and the admin routes and CLI (adding, removing and
// registering instances, which are ssm-local's own and have no AWS counterpart). AWS's text where it
// is known; where it is not, a plain sentence in AWS's style, marked "wording ours".
import { SsmError, errors } from '../protocol/errors.js';

const validation = errors.validation;

function filterValue(message: string): SsmError {
  return new SsmError('InvalidInstanceInformationFilterValue', message);
}

export const instanceErrors = {
  // ---- DescribeInstanceInformation, GetConnectionStatus, DeregisterManagedInstance ----
  /**
   * A malformed id in an InstanceIds filter; the same text (wording ours) when
   * DeregisterManagedInstance names an instance that is not registered.
   */
  invalidInstanceId: (instanceId: string) =>
    new SsmError('InvalidInstanceId', `Instance Id ${instanceId} is not valid.`),
  // Wording ours.
  invalidFilterKey: (key: string) => new SsmError('InvalidFilterKey', `The filter key ${key} isn't valid.`),
  resourceTypeOneValue: () => filterValue('ResourceType filter may contain only one value.'),
  /** AWS's text for ResourceType; the same sentence (wording ours) for the other enumerated keys. */
  filterValueNotAllowed: (key: string, allowed: readonly string[]) =>
    filterValue(`${key} filter is invalid, valid values are ${allowed.join(', ')}`),
  mixedFilters: () => validation('Cannot mix tag or inventory filter with any other filter.'),
  // Wording ours.
  bothFilterLists: () =>
    validation('InstanceInformationFilterList and Filters cannot be used in the same request. Use Filters.'),
  /** Tagging a ManagedInstance that is not an mi- instance of this account and region. */
  unknownManagedInstance: () => errors.invalidResourceId(),
  notStarted: () => errors.internal('The instances capability has not started.'),

  // ---- CreateActivation, DescribeActivations, DeleteActivation (wording ours throughout) ----
  expirationInPast: () => new SsmError('InvalidParameters', 'ExpirationDate must be in the future.'),
  expirationTooFar: () =>
    new SsmError('InvalidParameters', 'ExpirationDate can be at most 30 days from now.'),
  reservedTagKey: () => new SsmError('InvalidParameters', 'Tag keys beginning with "aws:" are reserved.'),
  duplicateTagKeys: () => new SsmError('InvalidParameters', 'Tag keys must be unique.'),
  tooManyTags: (max: number) =>
    new SsmError('InvalidParameters', `An activation can have at most ${max} tags.`),
  filterKeyMissing: () => new SsmError('InvalidFilter', 'A filter must have a FilterKey.'),
  filterValuesMissing: (key: string) =>
    new SsmError('InvalidFilter', `The filter ${key} must have at least one value.`),
  invalidActivationId: (activationId: string) =>
    new SsmError('InvalidActivationId', `Activation ID ${activationId} isn't valid.`),
  activationDeleted: (activationId: string) =>
    new SsmError(
      'InvalidActivation',
      `Activation ${activationId} isn't valid. The activation might have been deleted.`,
    ),

  // ---- registering with an activation (admin route and CLI; wording ours) ----
  activationCodeMismatch: () =>
    new SsmError(
      'InvalidActivation',
      `The activation isn't valid. The ActivationId and the ActivationCode don't match.`,
    ),
  activationExpired: (activationId: string, expiresAt: number) =>
    new SsmError(
      'ActivationExpired',
      `Activation ${activationId} expired on ${new Date(expiresAt).toISOString()}.`,
    ),
  activationLimitExceeded: (activationId: string, limit: number) =>
    new SsmError(
      'ActivationLimitExceeded',
      `Activation ${activationId} has reached its registration limit of ${limit}.`,
    ),

  // ---- the admin routes and the CLI (ssm-local's own; wording ours) ----
  /** A request body the admin routes cannot use. */
  badRequest: (message: string) => validation(message),
  instanceExists: (instanceId: string) =>
    new SsmError('InstanceAlreadyExists', `Instance ${instanceId} already exists.`, 409),
  instanceWasDeregistered: (instanceId: string) =>
    new SsmError('InstanceAlreadyExists', `Instance ${instanceId} was deregistered; choose another id.`, 409),
  fleetDisabled: () =>
    new SsmError('FleetDisabled', 'No fleet file is configured, so instances cannot be added.', 409),
  /** The engine that runs the instances does not answer; detail says which and where. */
  engineUnavailable: (detail: string) => new SsmError('DockerUnavailable', detail, 503),
  creationFailed: (reason: string) =>
    new SsmError('DockerUnavailable', `The instance container could not be created: ${reason}`, 503),
  instanceVanished: (instanceId: string) => errors.internal(`instance ${instanceId} vanished`),
  instanceWasTerminated: (instanceId: string) =>
    new SsmError('InstanceAlreadyExists', `Instance ${instanceId} was terminated; choose another id.`, 409),

  // ---- Machines (aws:changeInstanceState, aws:createImage): EC2's texts ----
  /** An instance this account and region does not have (EC2: InvalidInstanceID.NotFound). */
  unknownMachine: (instanceId: string) =>
    new SsmError('InvalidInstanceId', `The instance ID '${instanceId}' does not exist`),
  /** Wording ours: EC2 has no mi- instances. */
  notAnEc2Instance: (instanceId: string) =>
    new SsmError(
      'InvalidInstanceId',
      `The instance ID '${instanceId}' is not an EC2 instance: on-premises (mi-) machines cannot be started, stopped or imaged.`,
    ),
  incorrectState: (instanceId: string, verb: 'started' | 'stopped' | 'imaged') =>
    new SsmError(
      'IncorrectInstanceState',
      `The instance '${instanceId}' is not in a state from which it can be ${verb}.`,
    ),
  /** EC2 RunInstances' text for an unknown image. */
  unknownImage: (imageId: string) =>
    new SsmError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`),
  imageNameTaken: (name: string, imageId: string) =>
    new SsmError('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${imageId}`),
  /** EC2's constraint on CreateImage's Name. */
  imageNameMalformed: () =>
    new SsmError(
      'InvalidAMIName.Malformed',
      "AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'",
    ),
  /** Wording ours. */
  machineControlUnsupported: (kind: string) =>
    new SsmError('UnsupportedOperation', `The ${kind} fleet backend cannot start, stop or image machines.`),
};
