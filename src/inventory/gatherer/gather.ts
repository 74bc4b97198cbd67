// What an aws:softwareInventory step asks for (its inputs, read as the agent reads them) and what the
// gather script's output gives for it: the agent's gatherer types, plus AWS:InstanceInformation and
// AWS:Tag, which on AWS come from the agent's heartbeat and from tag expansion rather than from this
// plugin, and which ssm-local writes with each gathering.
import { parseOsRelease } from '../../core/os-release.js';
import type { ManagedInstance } from '../../instances/api.js';
import { CUSTOM_FILE_LIMIT, customTypes } from './custom.js';
import { FILE_COUNT_LIMIT, fileRows, parseFileFilters, type FileFilter } from './files.js';
import {
  awsComponents,
  detailedFromCpuinfo,
  detailedFromLscpu,
  dpkgApplications,
  rpmApplications,
  type GatheredType,
  type Row,
} from './model.js';
import { networkFacts } from './network.js';
import { gatherScript, type ScriptPlan } from './script.js';

/** The SSM Agent version ssm-local reports (DescribeInstanceInformation's AgentVersion). */
export const AGENT_VERSION = '3.3.1611.0';

export const PLUGIN = 'aws:softwareInventory';
/** The agent's data store (appconfig.DefaultDataStorePath), where custom inventory lives. */
const DATA_STORE = '/var/lib/amazon/ssm';

/** A gatherer failed: the agent stops there and uploads nothing. */
export class GathererError extends Error {
  constructor(gatherer: string, message: string) {
    super(`Encountered error while executing ${gatherer}. Error - ${message}`);
  }
}

export interface GatherRequest {
  applications: boolean;
  awsComponents: boolean;
  networkConfig: boolean;
  billingInfo: boolean;
  instanceDetailedInformation: boolean;
  customInventory: boolean;
  /** The `files` input's text; the file gatherer runs only when it is not empty. */
  files: string;
  customInventoryDirectory: string;
}

const INPUTS = [
  'applications',
  'awsComponents',
  'networkConfig',
  'billingInfo',
  'files',
  'windowsRoles',
  'services',
  'windowsRegistry',
  'windowsUpdates',
  'instanceDetailedInformation',
  'customInventory',
  'customInventoryDirectory',
] as const;

/**
 * The step's inputs as the agent unmarshals them into its PluginInput (field names matched without
 * regard to case; a collection is on only when its value is exactly "Enabled"). Undefined when a
 * value is not a string, which the agent reports as invalid input.
 */
export function readInputs(inputs: Record<string, unknown>): GatherRequest | undefined {
  const values = new Map<string, string>();
  for (const name of INPUTS) {
    const key =
      name in inputs ? name : Object.keys(inputs).find((k) => k.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? undefined : inputs[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return undefined;
    values.set(name, value);
  }
  const enabled = (name: string) => values.get(name) === 'Enabled';
  return {
    applications: enabled('applications'),
    awsComponents: enabled('awsComponents'),
    networkConfig: enabled('networkConfig'),
    billingInfo: enabled('billingInfo'),
    instanceDetailedInformation: enabled('instanceDetailedInformation'),
    customInventory: enabled('customInventory'),
    files: values.get('files') ?? '',
    customInventoryDirectory: values.get('customInventoryDirectory') ?? '',
  };
}

export interface Plan {
  request: GatherRequest;
  filters: FileFilter[];
  script: ScriptPlan;
}

/** The script to run for a request; throws a GathererError for a `files` input the agent refuses. */
export function planGathering(request: GatherRequest, instanceId: string, marker: string): Plan {
  let filters: FileFilter[] = [];
  if (request.files !== '') {
    try {
      filters = parseFileFilters(request.files);
    } catch (error) {
      throw new GathererError('AWS:File', (error as Error).message);
    }
  }
  const customDirectory = request.customInventoryDirectory || `${DATA_STORE}/${instanceId}/inventory/custom`;
  return {
    request,
    filters,
    script: {
      marker,
      packages: request.applications || request.awsComponents,
      detailed: request.instanceDetailedInformation,
      files: filters,
      ...(request.customInventory ? { customDirectory } : {}),
      customFileLimit: CUSTOM_FILE_LIMIT,
      fileListLimit: FILE_COUNT_LIMIT + 1,
    },
  };
}

export function scriptOf(plan: Plan): string {
  return gatherScript(plan.script);
}

/** AWS:InstanceInformation as AWS's inventory shows it, from the facts DescribeInstanceInformation reads. */
function instanceInformation(instance: ManagedInstance, sections: Map<string, string>, ip: string): Row {
  const os = parseOsRelease(sections.get('os') ?? '');
  const hybrid = instance.instanceId.startsWith('mi-');
  const row: Row = {
    AgentType: 'amazon-ssm-agent',
    AgentVersion: AGENT_VERSION,
    ComputerName: (sections.get('host') ?? '').trim(),
    InstanceId: instance.instanceId,
    InstanceStatus: 'Active',
    IpAddress: ip,
    PlatformName: os.NAME ?? '',
    PlatformType: instance.platformType,
    PlatformVersion: os.VERSION_ID ?? '',
    ResourceType: hybrid ? 'ManagedInstance' : 'EC2Instance',
  };
  for (const key of Object.keys(row)) if (row[key] === '') delete row[key];
  return row;
}

export interface Gathered {
  /** AWS:InstanceInformation and AWS:Tag, which the service keeps whatever the document says. */
  service: GatheredType[];
  /** What the plugin's gatherers collected (what the agent uploads). */
  gatherers: GatheredType[];
}

/** Reads the script's sections into inventory types. Throws a GathererError as the agent fails. */
export function gatheredTypes(
  plan: Plan,
  instance: ManagedInstance,
  sections: Map<string, string>,
): Gathered {
  const { request } = plan;
  const network = networkFacts(sections);
  const service: GatheredType[] = [
    {
      typeName: 'AWS:InstanceInformation',
      schemaVersion: '1.0',
      content: [instanceInformation(instance, sections, network.primaryIpv4)],
    },
    {
      typeName: 'AWS:Tag',
      schemaVersion: '1.0',
      content: instance.tags.map((t) => ({ Key: t.Key, Value: t.Value })),
    },
  ];
  const gatherers: GatheredType[] = [];
  const applications = [...dpkgApplications(sections.get('dpkg')), ...rpmApplications(sections.get('rpm'))];
  if (request.applications) {
    gatherers.push({ typeName: 'AWS:Application', schemaVersion: '1.1', content: applications });
  }
  if (request.awsComponents) {
    gatherers.push({
      typeName: 'AWS:AWSComponent',
      schemaVersion: '1.0',
      content: awsComponents(applications),
    });
  }
  if (request.networkConfig) {
    gatherers.push({ typeName: 'AWS:Network', schemaVersion: '1.0', content: network.rows });
  }
  if (request.billingInfo) {
    // The agent reads billing products from EC2's instance identity document; containers have none.
    gatherers.push({ typeName: 'AWS:BillingInfo', schemaVersion: '1.0', content: [] });
  }
  if (request.instanceDetailedInformation) {
    const kernel = (sections.get('kernel') ?? '').trim();
    let content: Row[] = [];
    if (sections.has('lscpu')) {
      content = [detailedFromLscpu(sections.get('lscpu') ?? '', sections.get('cpumhz') ?? '', kernel)];
    } else if (sections.has('cpuinfo')) {
      content = [detailedFromCpuinfo(sections.get('cpuinfo') ?? '', kernel)];
    }
    gatherers.push({ typeName: 'AWS:InstanceDetailedInformation', schemaVersion: '1.0', content });
  }
  if (request.files !== '') {
    try {
      const listings = plan.filters.map((_, i) => sections.get(`files:${i}`));
      gatherers.push({
        typeName: 'AWS:File',
        schemaVersion: '1.0',
        content: fileRows(plan.filters, listings),
      });
    } catch (error) {
      throw new GathererError('AWS:File', (error as Error).message);
    }
  }
  if (request.customInventory) {
    const listing = (sections.get('custom-list') ?? '').split('\n').filter((l) => l !== '');
    const files = new Map<string, string>();
    for (const [name, text] of sections) if (name.startsWith('custom:')) files.set(name.slice(7), text);
    try {
      gatherers.push(...customTypes(listing, files));
    } catch (error) {
      throw new GathererError('CustomInventory', (error as Error).message);
    }
  }
  return { service, gatherers };
}
