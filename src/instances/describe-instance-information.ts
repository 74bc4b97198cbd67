// DescribeInstanceInformation: the fleet's containers as SSM reports managed nodes, with the legacy
// InstanceInformationFilterList or the newer Filters (which add tag filters), and pagination. A
// stopped EC2 instance is no managed node (live.ts): it is left out before any filter or page.
import type {
  DescribeInstanceInformationRequest,
  DescribeInstanceInformationResult,
  InstanceInformation,
} from '@aws-sdk/client-ssm';
import type { Handler } from '../core/capability.js';
import { instanceErrors } from './errors.js';
import type { InstanceFleet } from './fleet.js';
import type { LiveInstance } from './live.js';
import { paginate } from './paging.js';

/** The SSM Agent version the emulator reports: the agent release it behaves like. */
export const AGENT_VERSION = '3.3.1611.0';
const DEFAULT_MAX_RESULTS = 50;

const KEYS = [
  'InstanceIds',
  'AgentVersion',
  'PingStatus',
  'PlatformTypes',
  'ActivationIds',
  'IamRole',
  'ResourceType',
  'AssociationStatus',
  'SourceIds',
  'SourceTypes',
];

const ALLOWED: Record<string, string[]> = {
  PingStatus: ['Online', 'ConnectionLost', 'Inactive'],
  PlatformTypes: ['Windows', 'Linux', 'MacOS'],
  ResourceType: ['EC2Instance', 'ManagedInstance'],
  AssociationStatus: ['Success', 'Pending', 'Failed'],
  SourceTypes: ['AWS::EC2::Instance', 'AWS::SSM::ManagedInstance', 'AWS::IoT::Thing'],
};

const ANY_INSTANCE_ID = /^(i-[0-9a-f]{8}|i-[0-9a-f]{17}|mi-[0-9a-f]{17})$/;

interface Filter {
  key: string;
  values: string[];
}

export function checkFilters(filters: Filter[]): void {
  const isTag = (key: string) => key === 'tag-key' || (key.startsWith('tag:') && key.length > 4);
  for (const { key, values } of filters) {
    if (!isTag(key) && !KEYS.includes(key)) {
      throw instanceErrors.invalidFilterKey(key);
    }
    const allowed = ALLOWED[key];
    if (key === 'ResourceType' && values.length > 1) {
      throw instanceErrors.resourceTypeOneValue();
    }
    if (allowed && values.some((v) => !allowed.includes(v))) {
      throw instanceErrors.filterValueNotAllowed(key, allowed);
    }
    if (key === 'InstanceIds') {
      const bad = values.find((v) => !ANY_INSTANCE_ID.test(v));
      if (bad !== undefined) throw instanceErrors.invalidInstanceId(bad);
    }
  }
  if (filters.some((f) => isTag(f.key)) && filters.some((f) => !isTag(f.key))) {
    throw instanceErrors.mixedFilters();
  }
}

function resourceType(i: LiveInstance): 'EC2Instance' | 'ManagedInstance' {
  return i.instanceId.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance';
}

function matches(i: LiveInstance, { key, values }: Filter): boolean {
  const has = (value: string | undefined) => value !== undefined && values.includes(value);
  if (key === 'tag-key') return i.tags.some((t) => values.includes(t.Key));
  if (key.startsWith('tag:')) return i.tags.some((t) => t.Key === key.slice(4) && values.includes(t.Value));
  switch (key) {
    case 'InstanceIds':
    case 'SourceIds':
      return has(i.instanceId);
    case 'AgentVersion':
      return has(AGENT_VERSION);
    case 'PingStatus':
      return has(i.online ? 'Online' : 'ConnectionLost');
    case 'PlatformTypes':
      return has(i.platformType);
    case 'ActivationIds':
      return has(i.activationId);
    case 'IamRole':
      return has(i.iamRole);
    case 'ResourceType':
      return has(resourceType(i));
    case 'SourceTypes':
      return has(resourceType(i) === 'EC2Instance' ? 'AWS::EC2::Instance' : 'AWS::SSM::ManagedInstance');
    default:
      // AssociationStatus: no associations exist yet, so no instance has one.
      return false;
  }
}

export function toInstanceInformation(i: LiveInstance): InstanceInformation {
  const managed = resourceType(i) === 'ManagedInstance';
  return {
    InstanceId: i.instanceId,
    PingStatus: i.online ? 'Online' : 'ConnectionLost',
    LastPingDateTime: new Date(i.lastPingAt),
    AgentVersion: AGENT_VERSION,
    IsLatestVersion: true,
    PlatformType: i.platformType,
    ...(i.facts.platformName ? { PlatformName: i.facts.platformName } : {}),
    ...(i.facts.platformVersion ? { PlatformVersion: i.facts.platformVersion } : {}),
    ...(managed && i.activationId ? { ActivationId: i.activationId } : {}),
    ...(managed && i.iamRole ? { IamRole: i.iamRole } : {}),
    ...(managed ? { RegistrationDate: new Date(i.registeredAt) } : {}),
    ResourceType: resourceType(i),
    ...(managed && i.name ? { Name: i.name } : {}),
    ...(i.ipAddress ? { IPAddress: i.ipAddress } : {}),
    ...(i.facts.computerName ? { ComputerName: i.facts.computerName } : {}),
    SourceId: i.instanceId,
    SourceType: managed ? 'AWS::SSM::ManagedInstance' : 'AWS::EC2::Instance',
  };
}

export function describeInstanceInformation(
  fleet: () => InstanceFleet,
): Handler<DescribeInstanceInformationRequest, DescribeInstanceInformationResult> {
  return async (input, ctx) => {
    const legacy = (input.InstanceInformationFilterList ?? []).map((f) => ({
      key: f.key!,
      values: f.valueSet!,
    }));
    const current = (input.Filters ?? []).map((f) => ({ key: f.Key!, values: f.Values! }));
    if (legacy.length > 0 && current.length > 0) {
      throw instanceErrors.bothFilterLists();
    }
    const filters = [...legacy, ...current];
    checkFilters(filters);
    const instances = (await fleet().managedNodes(ctx.accountId, ctx.region)).filter((i) =>
      filters.every((f) => matches(i, f)),
    );
    const { page, nextToken } = paginate(
      'DescribeInstanceInformation',
      instances,
      (i) => i.instanceId,
      input.MaxResults ?? DEFAULT_MAX_RESULTS,
      input.NextToken,
    );
    return {
      InstanceInformationList: page.map(toInstanceInformation),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  };
}
