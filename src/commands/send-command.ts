// SendCommand: checks the document, its parameters and the targets, stores the command with one
// Pending invocation per instance, and hands it to the engine, which runs it after this answers.
import type { Command, SendCommandRequest, SendCommandResult } from '@aws-sdk/client-ssm';
import { createHash } from 'node:crypto';
import type { RequestContext } from '../core/capability.js';
import { DOCUMENTS, type ExecutableDocument, type PluginStep } from '../documents/api.js';
import { EXECUTOR, FLEET, type ManagedInstance } from '../instances/api.js';
import { SsmError } from '../protocol/errors.js';
import type { CommandEngine } from './engine.js';
import { commandErrors } from './errors.js';
import { stepTimeoutSeconds } from './step.js';
import {
  addCommand,
  commandsState,
  wholeCommandRecords,
  type StoredCommand,
  type StoredInvocation,
} from './state.js';
import { pendingPlugin } from './status.js';
import { resolveTargets } from './targets.js';
import { commandView } from './views.js';

const DEFAULT_DELIVERY_TIMEOUT = 3600;

function checkHash(input: SendCommandRequest, doc: ExecutableDocument): void {
  if (input.DocumentHash === undefined) return;
  const type = input.DocumentHashType ?? 'Sha256';
  let expected = doc.hash;
  if (type !== doc.hashType) {
    // Only the Sha256 hash is kept; a Sha1 hash is checked against the canonical JSON content.
    expected = createHash(type === 'Sha1' ? 'sha1' : 'sha256')
      .update(JSON.stringify(doc.content))
      .digest('hex');
  }
  if (input.DocumentHash.toLowerCase() !== expected.toLowerCase()) {
    throw commandErrors.documentHash(input.DocumentHash, type, doc.name, doc.documentVersion);
  }
}

function checkPlatforms(doc: ExecutableDocument, instances: ManagedInstance[], byId: boolean): Set<string> {
  const supported = doc.platformTypes;
  const refused = new Set<string>();
  if (!supported) return refused;
  for (const instance of instances) {
    if (!supported.includes(instance.platformType)) refused.add(instance.instanceId);
  }
  if (byId && refused.size > 0) {
    throw commandErrors.unsupportedPlatform(doc.name, supported, [...refused]);
  }
  return refused;
}

function newInvocation(instance: ManagedInstance, steps: PluginStep[]): StoredInvocation {
  return {
    instanceId: instance.instanceId,
    instanceName: instance.name,
    status: 'Pending',
    statusDetails: 'Pending',
    plugins: steps.map((s) => pendingPlugin(s.name)),
  };
}

/** SendCommand's work, for the handler and for the Run Command contract (api.ts). */
export async function send(
  engine: CommandEngine,
  ctx: RequestContext,
  input: SendCommandRequest,
): Promise<Command> {
  const documents = ctx.services.registry.get(DOCUMENTS);
  const doc = documents.resolveForExecution(ctx, input.DocumentName!, input.DocumentVersion, ['Command']);
  checkHash(input, doc);
  const parameters = input.Parameters ?? {};
  const steps = documents.plan(ctx, doc, parameters);

  const fleet = ctx.services.registry.get(FLEET);
  const executor = ctx.services.registry.get(EXECUTOR);
  const noEngine = () => commandErrors.noEngine(input.InstanceIds ?? [], ctx.accountId);
  let instances: ManagedInstance[];
  try {
    instances = await resolveTargets(ctx, fleet, input.InstanceIds, input.Targets);
  } catch (error) {
    // Only when instances are missing is it worth asking whether the engine answers at all.
    if (error instanceof SsmError && error.code === 'InvalidInstanceId' && !(await executor.available())) {
      throw noEngine();
    }
    throw error;
  }
  if (instances.length === 0 && !(await executor.available())) throw noEngine();
  const refused = checkPlatforms(doc, instances, (input.InstanceIds ?? []).length > 0);

  // Everything below runs without awaiting, so the command is stored whole.
  const now = ctx.services.clock.now().getTime();
  const timeoutSeconds = input.TimeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT;
  const executionSeconds = steps.reduce((sum, step) => sum + stepTimeoutSeconds(step), 0);
  const state = commandsState(ctx.scope);
  const command: StoredCommand = {
    commandId: ctx.services.ids.uuid(),
    seq: Object.keys(state.commands).length,
    documentName: doc.name,
    documentVersion: input.DocumentVersion ?? '$DEFAULT',
    resolvedVersion: doc.documentVersion,
    schemaVersion: doc.schemaVersion,
    comment: input.Comment ?? '',
    parameters,
    instanceIds: [...(input.InstanceIds ?? [])],
    targets: (input.Targets ?? []).map((t) => ({ Key: t.Key ?? '', Values: [...(t.Values ?? [])] })),
    requestedAt: now,
    expiresAt: now + (timeoutSeconds + executionSeconds) * 1000,
    timeoutSeconds,
    maxConcurrency: input.MaxConcurrency ?? '50',
    maxErrors: input.MaxErrors ?? '0',
    outputS3Region: input.OutputS3Region ?? ctx.region,
    outputS3BucketName: input.OutputS3BucketName ?? '',
    outputS3KeyPrefix: input.OutputS3KeyPrefix ?? '',
    serviceRole: input.ServiceRoleArn ?? '',
    notificationConfig: {
      NotificationArn: input.NotificationConfig?.NotificationArn ?? '',
      NotificationEvents: [...(input.NotificationConfig?.NotificationEvents ?? [])],
      NotificationType: input.NotificationConfig?.NotificationType ?? '',
    },
    cloudWatchOutputConfig: {
      CloudWatchLogGroupName: input.CloudWatchOutputConfig?.CloudWatchLogGroupName ?? '',
      CloudWatchOutputEnabled: input.CloudWatchOutputConfig?.CloudWatchOutputEnabled ?? false,
    },
    steps,
    cancelRequested: false,
    invocations: instances.map((instance) => newInvocation(instance, steps)),
  };
  if (input.AlarmConfiguration) {
    command.alarmConfiguration = {
      ...(input.AlarmConfiguration.IgnorePollAlarmFailure !== undefined
        ? { IgnorePollAlarmFailure: input.AlarmConfiguration.IgnorePollAlarmFailure }
        : {}),
      Alarms: (input.AlarmConfiguration.Alarms ?? []).map((a) => ({ Name: a.Name! })),
    };
  }
  addCommand(state, command);
  const ref = { accountId: ctx.accountId, region: ctx.region, commandId: command.commandId };
  // Reached by tag but not reachable now (Undeliverable), or of a platform the document does not
  // support (InvalidPlatform): terminal at once; neither counts against MaxErrors.
  instances.forEach((instance, index) => {
    const refusedHere = refused.has(instance.instanceId);
    if (instance.online && !refusedHere) return;
    const details = refusedHere ? 'InvalidPlatform' : 'Undeliverable';
    const failed = { status: 'Failed', details } as const;
    engine.setStatus(ref, command, command.invocations[index]!, { ...failed, plugins: failed });
  });
  const view = commandView(command);
  await ctx.persist(wholeCommandRecords(command));
  engine.track(ref, instances);
  return view;
}

export function sendCommand(engine: () => CommandEngine) {
  return async (input: SendCommandRequest, ctx: RequestContext): Promise<SendCommandResult> => ({
    Command: await send(engine(), ctx, input),
  });
}
