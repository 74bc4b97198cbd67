// Compliance's errors. InvalidResourceId and InvalidResourceType carry no message on AWS (their
// shapes have none). The texts of ComplianceTypeCountLimitExceededException and the size limits are
// the model's descriptions of those errors; AWS's exact runtime wording is not on record. Texts
// marked "wording ours" are sentences in AWS's style for rules whose AWS text is not known.
import { SsmError, errors } from '../protocol/errors.js';

export const MAX_CUSTOM_TYPES = 10;
/** Bytes of one item as JSON (the inventory item limit, which AWS's description of the error names). */
export const MAX_ITEM_BYTES = 200 * 1024;
/** Bytes of all the items of one request as JSON. */
export const MAX_TOTAL_BYTES = 1024 * 1024;

/** The TypeName member of the item errors only holds AWS: and Custom: names (its pattern). */
const typeName = (complianceType: string): Record<string, unknown> =>
  /^(AWS|Custom):/.test(complianceType) ? { TypeName: complianceType } : {};

export const complianceErrors = {
  invalidResourceId: () => new SsmError('InvalidResourceId', ''),
  invalidResourceType: () => new SsmError('InvalidResourceType', ''),
  typeCountLimit: () =>
    new SsmError(
      'ComplianceTypeCountLimitExceededException',
      `You specified too many custom compliance types. You can specify a maximum of ${MAX_CUSTOM_TYPES} different types.`,
    ),
  // Wording ours.
  duplicateItemId: (complianceType: string, id: string) =>
    new SsmError(
      'InvalidItemContentException',
      `One or more content items isn't valid: the item ID ${id} appears more than once.`,
      400,
      typeName(complianceType),
    ),
  // Wording ours.
  partialItemWithoutId: (complianceType: string) =>
    new SsmError(
      'InvalidItemContentException',
      "One or more content items isn't valid: every item of a PARTIAL upload needs an Id.",
      400,
      typeName(complianceType),
    ),
  itemSize: (complianceType: string) =>
    new SsmError(
      'ItemSizeLimitExceededException',
      `The compliance item size has exceeded the size limit of ${MAX_ITEM_BYTES} bytes.`,
      400,
      typeName(complianceType),
    ),
  totalSize: () =>
    new SsmError(
      'TotalSizeLimitExceededException',
      `The size of compliance data has exceeded the total size limit of ${MAX_TOTAL_BYTES} bytes for the resource.`,
    ),
  // Wording ours.
  unknownComplianceType: (complianceType: string) =>
    errors.validation(
      `The compliance type ${complianceType} isn't valid. Specify Association, Patch, or Custom:<name>.`,
    ),
  // Wording ours: AWS documents PARTIAL as valid for association compliance only.
  partialNotAssociation: (complianceType: string) =>
    errors.validation(
      `UploadType PARTIAL is only valid for association compliance (ComplianceType Association), not ${complianceType}.`,
    ),
  // Wording ours: AWS documents that one resource ID can be specified per call.
  tooManyResourceIds: () =>
    errors.validation('Currently, you can only specify one resource ID. Specify a single ResourceIds value.'),
  // Wording ours.
  filterKeyMissing: () =>
    new SsmError('InvalidFilter', 'The filter key is missing. Specify a Key for each filter.'),
  // Wording ours.
  filterValuesMissing: (key: string) =>
    new SsmError('InvalidFilter', `The filter ${key} has no values. Specify at least one value.`),
  // Wording ours.
  filterKey: (key: string, supported: string) =>
    new SsmError('InvalidFilter', `The filter key ${key} isn't valid. ssm-local supports ${supported}.`),
  // Wording ours.
  filterValue: (key: string, value: string, valid: string) =>
    new SsmError('InvalidFilter', `The value ${value} of filter ${key} isn't valid. Valid values: ${valid}.`),
};
