// Parameter Store's errors, with AWS's message text where it is known (recorded responses, AWS
// documentation, users' reports). Where AWS's wording is not known the text is a plain sentence in
// AWS's style; those are marked "wording ours".
import { SsmError, errors } from '../protocol/errors.js';

const validation = errors.validation;

export const ADVANCED_TIER_DOC =
  'https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html';

/** AWS answers a name with bad characters or a hierarchy without its leading slash with this text. */
export const INVALID_NAME_MESSAGE =
  'Parameter name: can\'t be prefixed with "ssm" (case-insensitive). If formed as a path, it can consist of ' +
  'sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the ' +
  'following 3 symbols .-_';

/**
 * GetParametersByPath's text for a bad Path. The backslashes before the quotes around aws and ssm are
 * in AWS's message itself, the ones around "/" are not: so recorded from the service in
 * aws/copilot-cli#66, aws/aws-sdk-js-v3#5928 and aws-samples/resource-autotagger#1.
 */
export const INVALID_PATH_MESSAGE =
  'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". ' +
  'It can\'t be prefixed with \\"aws\\" or \\"ssm\\" (case-insensitive). ' +
  'It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). ' +
  'Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". ' +
  'Valid example: /get/parameters2-/by1./path0_.';

/**
 * DescribeParameters' text for a bad Path filter value: the same rules, with plain quotes around aws
 * and ssm. No response of the service itself is on record; this is moto's text
 * (getmoto/moto tests/test_ssm/test_ssm.py, test_describe_parameters_invalid_path).
 */
export const INVALID_PATH_FILTER_MESSAGE =
  'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". ' +
  'It can\'t be prefixed with "aws" or "ssm" (case-insensitive). ' +
  'It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). ' +
  'Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". ' +
  'Valid example: /get/parameters2-/by1./path0_.';

/** The most characters a parameter value may have in any tier, as AWS's request validation counts them. */
export const MAX_VALUE_LENGTH = 32768;

export const parameterErrors = {
  /** ParameterNotFound carries an empty message on AWS. */
  notFound: () => new SsmError('ParameterNotFound', ''),
  versionNotFound: (version: number | string, name: string) =>
    new SsmError(
      'ParameterVersionNotFound',
      `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`,
    ),
  alreadyExists: () =>
    new SsmError(
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    ),
  invalidName: () => validation(INVALID_NAME_MESSAGE),
  reservedName: () =>
    validation('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).'),
  reservedPath: (name: string) =>
    new SsmError('AccessDeniedException', `No access to reserved parameter name: ${name}.`),
  hierarchyTooDeep: () =>
    new SsmError(
      'HierarchyLevelLimitExceededException',
      'A hierarchy can have a maximum of 15 levels. For more information, see ' +
        'https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html',
    ),
  // Wording ours: AWS's text for this limit is not known.
  nameTooLong: (arnPrefix: string) =>
    validation(
      `Parameter name: the name, counted with the ARN prefix ${arnPrefix} that precedes it, can be at most 1011 characters.`,
    ),
  typeRequired: () => validation('A parameter type is required when you create a parameter.'),
  keyIdOnlyForSecureString: () => validation('KeyId is required for SecureString type parameter only.'),
  // The model's description of the error; AWS's exact message is not known.
  typeMismatch: () =>
    new SsmError(
      'HierarchyTypeMismatchException',
      "Parameter Store doesn't support changing a parameter type in a hierarchy. For example, you can't change " +
        'a parameter from a String type to a SecureString type. You must create a new, unique parameter.',
    ),
  tagsWithOverwrite: () =>
    validation(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove " +
        'overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.',
    ),
  // A parameter's Value is sensitive: AWS leaves it out of the message ("Value at 'value'", not
  // "Value '' at 'value'").
  emptyValue: () =>
    validation(
      "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ),
  valueTooLong: () =>
    validation(
      `1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to ${MAX_VALUE_LENGTH}`,
    ),
  standardValueTooLong: () =>
    validation(
      'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter ' +
        `value, upgrade the parameter to use the advanced-parameter tier. For more information, see ${ADVANCED_TIER_DOC}`,
    ),
  advancedValueTooLong: () =>
    validation('Advanced-tier parameters support a maximum parameter value of 8192 characters.'),
  tierDowngrade: () =>
    validation(
      "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter " +
        'tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a ' +
        'standard parameter.',
    ),
  // Wording ours.
  policiesNeedAdvanced: () =>
    validation(
      "Standard tier parameters don't support parameter policies. To attach policies, use the advanced-parameter tier. " +
        `For more information, see ${ADVANCED_TIER_DOC}`,
    ),
  standardLimit: () =>
    new SsmError(
      'ParameterLimitExceeded',
      'You have reached the maximum number of standard parameters for this AWS account and Region (10000). To add ' +
        'more parameters, either delete existing parameters or upgrade to the advanced-parameter tier (charges apply).',
    ),
  // Wording ours.
  advancedLimit: () =>
    new SsmError(
      'ParameterLimitExceeded',
      'You have reached the maximum number of advanced parameters for this AWS account and Region (100000). Delete ' +
        'one or more parameters and try again.',
    ),
  patternMismatch: (pattern: string) =>
    new SsmError(
      'ParameterPatternMismatchException',
      `Parameter value, cannot be validated against allowedPattern: ${pattern}`,
    ),
  invalidPattern: () =>
    new SsmError(
      'InvalidAllowedPatternException',
      "The request doesn't meet the regular expression requirement.",
    ),
  unsupportedDataType: (dataType: string) =>
    validation(`The following data type is not supported: ${dataType} (Data type names are all lowercase.)`),
  // Wording ours: AWS validates aws:ec2:image values asynchronously and reports failures as events.
  invalidImageId: (value: string) =>
    validation(
      `Parameter value, ${value}, is not a valid AMI ID for the aws:ec2:image data type. An AMI ID has the form ` +
        'ami- followed by 8 or 17 hexadecimal characters.',
    ),
  // Wording ours.
  imageNeedsString: () => validation('The aws:ec2:image data type is supported only for String parameters.'),
  /** As the service passes KMS's answer on. */
  invalidKeyId: (keyId: string, requestId: string) =>
    new SsmError(
      'InvalidKeyId',
      `Invalid keyId ${keyId} (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException; Request ID: ${requestId}; Proxy: null)`,
    ),
  maxVersions: (name: string, oldest: number) =>
    new SsmError(
      'ParameterMaxVersionLimitExceeded',
      `You attempted to create a new version of ${name} by calling the PutParameter API with the overwrite flag. ` +
        `Version ${oldest}, the oldest version, can't be deleted because it has a label associated with it. Move the ` +
        'label to another version of the parameter, and try again.',
    ),
  labelLimit: () =>
    new SsmError(
      'ParameterVersionLabelLimitExceeded',
      'A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.',
    ),
  // Policy texts below are the model's descriptions of these errors; AWS's exact messages are not known.
  policyType: () =>
    new SsmError(
      'InvalidPolicyTypeException',
      "The policy type isn't supported. Parameter Store supports the following policy types: Expiration, " +
        'ExpirationNotification, and NoChangeNotification.',
    ),
  policyAttribute: (detail: string) =>
    new SsmError('InvalidPolicyAttributeException', `A policy attribute or its value is invalid. ${detail}`),
  policiesLimit: () =>
    new SsmError(
      'PoliciesLimitExceededException',
      'You specified more than the maximum number of allowed policies for the parameter. The maximum is 10.',
    ),
  incompatiblePolicy: (detail: string) =>
    new SsmError(
      'IncompatiblePolicyException',
      `There is a conflict in the policies specified for this parameter. ${detail} Review your policies, and try again.`,
    ),
  invalidPath: () => validation(INVALID_PATH_MESSAGE),
  invalidPathFilter: () => validation(INVALID_PATH_FILTER_MESSAGE),
  bothFilterKinds: () => validation('You can use either Filters or ParameterFilters in a single request.'),
  reservedPathFilter: () =>
    validation(
      'Filters for common parameters can\'t be prefixed with "aws" or "ssm" (case-insensitive). When using global ' +
        'parameters, please specify within a global namespace.',
    ),
  filterKey: (key: string, valid: string) =>
    new SsmError(
      'InvalidFilterKey',
      `The following filter key is not valid: ${key}. Valid filter keys include: ${valid}.`,
    ),
  duplicateFilter: (key: string) =>
    new SsmError(
      'InvalidFilterKey',
      `The following filter is duplicated in the request: ${key}. A request can contain only one occurrence of a specific filter.`,
    ),
  filterOption: (option: string, valid: string) =>
    new SsmError(
      'InvalidFilterOption',
      `The following filter option is not valid: ${option}. Valid options include: ${valid}.`,
    ),
  filterValue: (value: string, valid: string) =>
    new SsmError(
      'InvalidFilterValue',
      `The following filter value is not valid: ${value}. Valid values include: ${valid}.`,
    ),
  filterValuesMissing: (key: string) =>
    new SsmError(
      'InvalidFilterValue',
      `The following filter values are missing : null for filter key ${key}.`,
    ),
};
