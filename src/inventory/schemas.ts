// The inventory types AWS defines, as "Metadata collected by inventory" in the Systems Manager User
// Guide lists them (names, attribute order, STRING/NUMBER), and which attributes GetInventorySchema
// with Aggregator=true offers for aggregation, with their display names (the guide's "Aggregating
// inventory data" records that answer). AWS answers DataType in capitals ("STRING"), as recorded in
// the AWS CLI's get-inventory-schema example, although the model's enum spells it in lower case.

export interface TypeSchema {
  typeName: string;
  version: string;
  /** Attribute names, in the order AWS lists them. */
  attributes: string[];
  /** Attributes whose DataType is NUMBER (the rest are STRING). */
  numbers?: string[];
  /** Aggregatable attributes (GetInventorySchema with Aggregator=true). */
  aggregatable?: string[];
  displayName?: string;
}

const strings = (list: string): string[] => list.split(/\s+/).filter(Boolean);

export const INSTANCE_INFORMATION = 'AWS:InstanceInformation';
export const TAG_TYPE = 'AWS:Tag';

const BUILT_IN: TypeSchema[] = [
  {
    typeName: 'AWS:AWSComponent',
    version: '1.0',
    attributes: strings('Name ApplicationType Publisher Version InstalledTime Architecture URL'),
  },
  {
    typeName: 'AWS:Application',
    version: '1.1',
    attributes: strings(
      'Name ApplicationType Publisher Version InstalledTime Architecture URL Summary PackageId Release Epoch',
    ),
    aggregatable: ['Name', 'Version'],
    displayName: 'Application',
  },
  {
    typeName: 'AWS:ComplianceItem',
    version: '1.0',
    attributes: strings(
      'ComplianceType ExecutionId ExecutionType ExecutionTime Id Title Status Severity DocumentName ' +
        'DocumentVersion Classification PatchBaselineId PatchSeverity PatchState PatchGroup InstalledTime',
    ),
  },
  {
    typeName: 'AWS:ComplianceSummary',
    version: '1.0',
    attributes: strings(
      'ComplianceType PatchGroup PatchBaselineId Status OverallSeverity ExecutionId ExecutionType ' +
        'ExecutionTime CompliantCriticalCount CompliantHighCount CompliantMediumCount CompliantLowCount ' +
        'CompliantInformationalCount CompliantUnspecifiedCount LastComplianceStateModifiedTime ' +
        'NonCompliantCriticalCount NonCompliantHighCount NonCompliantMediumCount NonCompliantLowCount ' +
        'NonCompliantInformationalCount NonCompliantUnspecifiedCount',
    ),
    numbers: strings(
      'CompliantCriticalCount CompliantHighCount CompliantMediumCount CompliantLowCount ' +
        'CompliantInformationalCount CompliantUnspecifiedCount NonCompliantCriticalCount ' +
        'NonCompliantHighCount NonCompliantMediumCount NonCompliantLowCount ' +
        'NonCompliantInformationalCount NonCompliantUnspecifiedCount',
    ),
  },
  {
    typeName: 'AWS:File',
    version: '1.0',
    attributes: strings(
      'Name Size Description FileVersion InstalledDate ModificationTime LastAccessTime ProductName ' +
        'InstalledDir ProductLanguage CompanyName ProductVersion',
    ),
  },
  {
    typeName: 'AWS:InstanceDetailedInformation',
    version: '1.0',
    attributes: strings('CPUModel CPUCores CPUs CPUSpeedMHz CPUSockets CPUHyperThreadEnabled OSServicePack'),
    numbers: strings('CPUCores CPUs CPUSpeedMHz CPUSockets'),
  },
  {
    typeName: INSTANCE_INFORMATION,
    version: '1.0',
    attributes: strings(
      'AgentType AgentVersion ComputerName InstanceId IpAddress PlatformName PlatformType PlatformVersion ' +
        'ResourceType AgentStatus InstanceStatus',
    ),
    aggregatable: ['PlatformName', 'PlatformType', 'PlatformVersion'],
    displayName: 'Platform',
  },
  {
    typeName: 'AWS:Network',
    version: '1.0',
    attributes: strings('Name SubnetMask Gateway DHCPServer DNSServer MacAddress IPV4 IPV6'),
  },
  {
    typeName: 'AWS:PatchSummary',
    version: '1.0',
    attributes: strings(
      'PatchGroup BaselineId SnapshotId OwnerInformation InstalledCount InstalledOtherCount ' +
        'NotApplicableCount MissingCount FailedCount OperationType OperationStartTime OperationEndTime',
    ),
    numbers: strings('InstalledCount InstalledOtherCount NotApplicableCount MissingCount FailedCount'),
  },
  {
    typeName: 'AWS:ResourceGroup',
    version: '1.0',
    attributes: ['Name', 'Arn'],
    aggregatable: ['Name'],
    displayName: 'ResourceGroup',
  },
  {
    typeName: 'AWS:Service',
    version: '1.0',
    attributes: strings('Name DisplayName ServiceType Status DependentServices ServicesDependedOn StartType'),
    aggregatable: strings('Name DisplayName ServiceType Status StartType'),
    displayName: 'Service',
  },
  { typeName: TAG_TYPE, version: '1.0', attributes: ['Key', 'Value'] },
  {
    typeName: 'AWS:WindowsRegistry',
    version: '1.0',
    attributes: strings('KeyPath ValueName ValueType Value'),
  },
  {
    typeName: 'AWS:WindowsRole',
    version: '1.0',
    attributes: strings(
      'Name DisplayName Path FeatureType DependsOn Description Installed InstalledState SubFeatures ' +
        'ServerComponentDescriptor Parent',
    ),
    aggregatable: strings('Name DisplayName FeatureType Installed'),
    displayName: 'WindowsRole',
  },
  {
    typeName: 'AWS:WindowsUpdate',
    version: '1.0',
    attributes: strings('HotFixId Description InstalledTime InstalledBy'),
  },
];

const byName = new Map(BUILT_IN.map((s) => [s.typeName, s]));

/** The AWS-defined types, in TypeName order. */
export const builtInSchemas = (): readonly TypeSchema[] => BUILT_IN;

export function builtInSchema(typeName: string): TypeSchema | undefined {
  return byName.get(typeName);
}

export const isCustomType = (typeName: string): boolean => typeName.startsWith('Custom:');

/** Compares schema versions ("1.10" is above "1.9"). */
export function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}
