// The inventory gatherer: the aws:softwareInventory plugin (AWS-GatherSoftwareInventory's step), run
// by Run Command in a managed instance. One `sh -c` per instance asks the instance what the SSM
// Agent's Linux gatherers ask it (script.ts); what it prints becomes the agent's inventory types
// (gather.ts), handed to Inventory as the agent's PutInventory call would (INVENTORY.putGathered).
//
// How it differs from AWS:
// - The real agent refuses this plugin outside State Manager ("aws:softwareInventory plugin can only
//   be invoked via ssm-associate"); ssm-local runs it from SendCommand as well, so inventory can be
//   gathered without an association.
// - AWS:InstanceInformation (from the agent's heartbeat on AWS) and AWS:Tag (tag expansion on AWS)
//   are written with each gathering, whatever the document's parameters say.
// - Types left out by the parameters are not removed from Inventory: the agent uploads only what it
//   gathered and never deletes (a type's old data stays until DeleteInventory or a new gathering).
// - AWS:Network also carries SubnetMask, Gateway and DNSServer, which the Linux agent leaves out.
//   CPUSpeedMHz falls back to /proc/cpuinfo where lscpu prints no "CPU MHz" (the agent reports it
//   empty then). Snap packages, Bottlerocket's application file and the EC2 billing products
//   (AWS:BillingInfo is empty) are not read. windowsUpdates, services, windowsRoles and
//   windowsRegistry are ignored, as the agent ignores them on Linux.
// - No content-hash optimisation (every type is sent whole) and no random back-off before upload.
// - Messages for malformed `files` JSON and skipped custom inventory files are ssm-local's wording.
import { randomBytes } from 'node:crypto';
import type { Capability, Services } from '../../core/capability.js';
import { RUN_COMMAND, type PluginOutcome, type PluginRun } from '../../commands/api.js';
import { INVENTORY, type InventoryApi, type InventoryEntry } from '../api.js';
import { gatheredTypes, GathererError, planGathering, PLUGIN, readInputs, scriptOf } from './gather.js';
import { contentHash, jsonSize, type GatheredType } from './model.js';
import { splitSections } from './script.js';

const SUCCESS =
  'Inventory policy has been successfully applied and collected inventory data has been uploaded to SSM';
const NO_DATA =
  'Inventory policy has been successfully applied but there is no inventory data to upload to SSM';
const INVALID_INPUT = `invalid or unrecognized input was received for ${PLUGIN} plugin`;
const TOO_LARGE = 'the size of the collected data exceeded the maximum allowable size';
/** The agent's limits: 3 MB per type, 10 MB per PutInventory call. */
const TYPE_LIMIT_BYTES = 3072 * 1024;
const TOTAL_LIMIT_BYTES = 10240 * 1024;
/** Exit code the agent reports for a process it stopped (128 + SIGKILL), as Run Command does. */
const STOPPED_EXIT_CODE = 137;

function failed(message: string, stdout = ''): PluginOutcome {
  return { status: 'Failed', responseCode: 1, stdout, stderr: message };
}

function captureTime(services: Services): string {
  return services.clock
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
}

function toEntry(type: GatheredType, time: string): InventoryEntry {
  return {
    TypeName: type.typeName,
    SchemaVersion: type.schemaVersion,
    CaptureTime: time,
    ContentHash: contentHash(type.content),
    Content: type.content,
  };
}

function tooLarge(types: GatheredType[]): boolean {
  let total = 2;
  for (const type of types) {
    const size = jsonSize(type.content);
    total += size + 1;
    if (size > TYPE_LIMIT_BYTES || total > TOTAL_LIMIT_BYTES) return true;
  }
  return false;
}

/** Runs one aws:softwareInventory step in one instance. */
export async function gatherInventory(run: PluginRun, inventory: InventoryApi): Promise<PluginOutcome> {
  const request = readInputs(run.inputs);
  if (!request) return failed(INVALID_INPUT);
  const instanceId = run.instance.instanceId;
  const marker = `@@ssm-local-inventory-${randomBytes(6).toString('hex')}@@`;
  let plan;
  try {
    plan = planGathering(request, instanceId, marker);
  } catch (error) {
    return failed((error as Error).message);
  }
  const result = await run.exec({
    argv: ['/bin/sh', '-c', scriptOf(plan)],
    env: { AWS_SSM_INSTANCE_ID: instanceId, AWS_SSM_REGION_NAME: run.ctx.region },
  });
  if (result.stopped === 'cancel') {
    return { status: 'Cancelled', responseCode: STOPPED_EXIT_CODE, stdout: '', stderr: '' };
  }
  if (result.stopped) {
    const details = result.stopped === 'expire' ? 'DeliveryTimedOut' : 'ExecutionTimedOut';
    return {
      status: 'TimedOut',
      statusDetails: details,
      responseCode: STOPPED_EXIT_CODE,
      stdout: '',
      stderr: '',
    };
  }
  if (result.containerLost || result.exitCode !== 0) {
    const reason =
      result.stderr.trim() ||
      (result.containerLost ? 'the instance stopped' : `exit status ${String(result.exitCode)}`);
    return failed(`failed to gather inventory in the instance: ${reason}`);
  }
  let gathered;
  try {
    gathered = gatheredTypes(plan, run.instance, splitSections(result.stdout, marker));
  } catch (error) {
    if (error instanceof GathererError) return failed(error.message);
    throw error;
  }
  if (tooLarge(gathered.gatherers)) return failed(TOO_LARGE);
  const time = captureTime(run.ctx.services);
  const entries = [...gathered.service, ...gathered.gatherers].map((t) => toEntry(t, time));
  try {
    await inventory.putGathered(run.ctx, instanceId, entries);
  } catch (error) {
    return failed(
      `inventory data could not be uploaded to Systems Manager. Additional troubleshooting information - ${(error as Error).message}`,
    );
  }
  const message = gathered.gatherers.length === 0 ? NO_DATA : SUCCESS;
  return { status: 'Success', responseCode: 0, stdout: message, stderr: '' };
}

export function gathererCapability(): Capability {
  return {
    name: 'inventory-gatherer',
    needs: [RUN_COMMAND, INVENTORY],
    start(services: Services) {
      const inventory = services.registry.get(INVENTORY);
      services.registry.get(RUN_COMMAND).registerPlugin(PLUGIN, (run) => gatherInventory(run, inventory));
    },
  };
}
