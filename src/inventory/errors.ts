// Inventory's errors. AWS's run-time texts for these shapes are not recorded anywhere we could find:
// the texts below are AWS's own documentation of each error shape (the API reference's description,
// the same in every SDK), and where a message names the case more precisely it is marked "wording
// ours". Shapes with a TypeName member carry it, as AWS's do.
import { SsmError } from '../protocol/errors.js';

const withType = (code: string, message: string, typeName: string): SsmError =>
  new SsmError(code, message, 400, { TypeName: typeName });

export const inventoryErrors = {
  invalidTypeName: (message = "The parameter type name isn't valid.") =>
    new SsmError('InvalidTypeNameException', message),
  /** Wording ours: an AWS: type this build does not know (AWS refuses made-up AWS: types). */
  unknownAwsType: (typeName: string) =>
    inventoryErrors.invalidTypeName(
      `The type name ${typeName} isn't valid. Only the inventory types that AWS defines may begin with AWS:, and custom types begin with Custom:.`,
    ),
  itemContentMismatch: (typeName: string, message = 'The inventory item has invalid content.') =>
    withType('ItemContentMismatchException', message, typeName),
  invalidItemContent: (typeName: string, message = "One or more content items isn't valid.") =>
    withType('InvalidItemContentException', message, typeName),
  itemSizeLimitExceeded: (typeName: string) =>
    withType(
      'ItemSizeLimitExceededException',
      'The inventory item size has exceeded the size limit.',
      typeName,
    ),
  totalSizeLimitExceeded: () =>
    new SsmError(
      'TotalSizeLimitExceededException',
      'The size of inventory data has exceeded the total size limit for the resource.',
    ),
  customSchemaCountLimitExceeded: () =>
    new SsmError(
      'CustomSchemaCountLimitExceededException',
      'You have exceeded the limit for custom schemas. Delete one or more custom schemas and try again.',
    ),
  invalidItemContext: () =>
    new SsmError(
      'InvalidInventoryItemContextException',
      'You specified invalid keys or values in the Context attribute for InventoryItem. Verify the keys and values, and try again.',
    ),
  unsupportedItemContext: (typeName: string) =>
    withType(
      'UnsupportedInventoryItemContextException',
      "The Context attribute that you specified for the InventoryItem isn't allowed for this inventory type. You can only use the Context attribute with inventory types like AWS:ComplianceItem.",
      typeName,
    ),
  unsupportedSchemaVersion: () =>
    new SsmError(
      'UnsupportedInventorySchemaVersionException',
      'Inventory item type schema version has to match supported versions in the service. Check output of GetInventorySchema to see the available schema version for each type.',
    ),
  /** Wording ours (AWS names the shape only). */
  invalidInstanceId: (instanceId: string, accountId: string) =>
    new SsmError(
      'InvalidInstanceId',
      `Instances [[${instanceId}]] not in a valid state for account ${accountId}`,
    ),
  invalidFilter: (
    message = "The filter name isn't valid. Verify that you entered the correct name and try again.",
  ) => new SsmError('InvalidFilter', message),
  invalidGroup: (message = "The specified inventory group isn't valid.") =>
    new SsmError('InvalidInventoryGroupException', message),
  invalidAggregator: (
    message = "The specified aggregator isn't valid for inventory groups. Verify that the aggregator uses a valid inventory type such as AWS:Application or AWS:InstanceInformation.",
  ) => new SsmError('InvalidAggregatorException', message),
  invalidResultAttribute: (message = "The specified inventory item result attribute isn't valid.") =>
    new SsmError('InvalidResultAttributeException', message),
  invalidDeleteParameters: (
    message = "One or more of the parameters specified for the delete operation isn't valid. Verify all parameters and try again.",
  ) => new SsmError('InvalidDeleteInventoryParametersException', message),
  invalidOption: (
    message = "The delete inventory option specified isn't valid. Verify the option and try again.",
  ) => new SsmError('InvalidOptionException', message),
  invalidDeletionId: () =>
    new SsmError(
      'InvalidDeletionIdException',
      "The ID specified for the delete operation doesn't exist or isn't valid. Verify the ID and try again.",
    ),
};
