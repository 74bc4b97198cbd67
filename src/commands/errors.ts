// Run Command's errors, with AWS's text where it is known. Where AWS's wording is not known the text
// is a sentence in AWS's style, marked "wording ours". Shapes that carry no message (InvalidCommandId,
// InvocationDoesNotExist, InvalidPluginName, DuplicateInstanceId) answer an empty one, as AWS does.
import { SsmError, errors } from '../protocol/errors.js';

const TARGET_FORMATS =
  'Targets must be specified in one of the following formats: 1) 1 target with "Key=InstanceIds" and "Values=" a list of up to 50 instance IDs, or 2) Up to 5 targets, each of which can be either "Key=tag:<key>,Values=<tag_values>" or "Key=tag-key,Values=<tag_keys>".';

const NO_ENGINE =
  "ssm-local can't reach a Docker engine, so it has no managed instances to run commands on. Start Docker (or set DOCKER_HOST) and restart ssm-local.";

export const commandErrors = {
  invalidCommandId: () => new SsmError('InvalidCommandId', ''),
  invocationDoesNotExist: () => new SsmError('InvocationDoesNotExist', ''),
  invalidPluginName: () => new SsmError('InvalidPluginName', ''),
  duplicateInstanceId: () => new SsmError('DuplicateInstanceId', ''),
  /** As AWS words it: `Instances [[i-1, i-2]] not in a valid state for account 123456789012`. */
  invalidInstances: (ids: string[], accountId: string, hint = '') =>
    new SsmError(
      'InvalidInstanceId',
      `Instances [[${ids.join(', ')}]] not in a valid state for account ${accountId}${hint}`,
    ),
  /** No Docker engine answers (ssm-local's own condition and wording). */
  noEngine: (ids: string[], accountId: string) =>
    ids.length > 0
      ? commandErrors.invalidInstances(ids, accountId, `. ${NO_ENGINE}`)
      : new SsmError('InvalidInstanceId', NO_ENGINE),
  targetFormats: () => errors.validation(TARGET_FORMATS),
  // Wording ours.
  idsAndTargets: () =>
    errors.validation('Specify either InstanceIds or Targets in a SendCommand request, not both.'),
  // Wording ours.
  noTargets: () =>
    errors.validation('Specify the instances to run the command on, with InstanceIds or Targets.'),
  // Wording ours.
  resourceGroups: () =>
    errors.validation(
      'ssm-local does not support targeting by resource group (resource-groups:Name, resource-groups:ResourceTypeFilters). Target instances with InstanceIds, tag:<key> or tag-key.',
    ),
  // Wording ours.
  documentHash: (hash: string, type: string, name: string, version: string) =>
    new SsmError(
      'InvalidDocument',
      `The document hash ${hash} doesn't match the ${type} hash of document ${name} version ${version}.`,
    ),
  // Wording ours.
  unsupportedPlatform: (name: string, supported: string[], refused: string[]) =>
    new SsmError(
      'UnsupportedPlatformType',
      `The document ${name} supports the platforms ${supported.join(', ')}; instances [${refused.join(', ')}] are of another platform.`,
    ),
  // Wording ours.
  filterDate: (key: string, value: string) =>
    errors.validation(
      `The value ${value} of filter ${key} is not a valid date and time. Use ISO 8601 format, for example 2017-06-07T00:00:00Z.`,
    ),
  // Wording ours.
  filterStage: (value: string) =>
    errors.validation(`The value ${value} of filter ExecutionStage is not valid. Use Executing or Complete.`),
};
