// SendCommand: checks the document, its parameters and the targets, stores the command with one
// Pending invocation per instance, and hands it to the engine, which runs it after this answers.
import type { SendCommandRequest, SendCommandResult } from '@aws-sdk/client-ssm';
import { createHash } from 'node:crypto';
import type { RequestContext } from '../core/capability.js';
import { executorOf } from '../docker/executor.js';
import { documentsOf, type ExecutableDocument, type PluginStep } from '../documents/api.js';
import { fleetOf, type ManagedInstance } from '../instances/api.js';
import { SsmError } from '../protocol/errors.js';
import type { CommandEngine } from './engine.js';
import { stepTimeoutSeconds } from './plugins.js';
import {
  addCommand,
  commandsState,
  wholeCommandRecords,
  type StoredCommand,
  type StoredInvocation,
} from './state.js';
import { pendingPlugin, settleUnfinishedPlugins } from './status.js';
import { invalidInstances, resolveTargets } from './targets.js';
import { commandView } from './views.js';

const DEFAULT_DELIVERY_TIMEOUT = 3600;
const NO_ENGINE =
  "ssm-local can't reach a Docker engine, so it has no managed instances to run commands on. Start Docker (or set DOCKER_HOST) and restart ssm-local.";

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
    throw new SsmError(
      'InvalidDocument',
      `The document hash ${input.DocumentHash} doesn't match the ${type} hash of document ${doc.name} version ${doc.documentVersion}.`,
    );
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
    throw new SsmError(
      'UnsupportedPlatformType',
      `The document ${doc.name} supports the platforms ${supported.join(', ')}; instances [${[...refused].join(', ')}] are of another platform.`,
    );
  }
  return refused;
}

function newInvocation(
  instance: ManagedInstance,
  steps: PluginStep[],
  refused: boolean,
  now: number,
): StoredInvocation {
  const invocation: StoredInvocation = {
    instanceId: instance.instanceId,
    instanceName: instance.name,
    status: 'Pending',
    statusDetails: 'Pending',
    plugins: steps.map((s) => pendingPlugin(s.name)),
  };
  if (!instance.online || refused) {
    // Reached by tag but not reachable now (Undeliverable), or of a platform the document does not
    // support (InvalidPlatform): terminal at once; neither counts against MaxErrors.
    settleUnfinishedPlugins(invocation, 'Failed', refused ? 'InvalidPlatform' : 'Undeliverable', now);
    invocation.status = 'Failed';
    invocation.statusDetails = refused ? 'InvalidPlatform' : 'Undeliverable';
  }
  return invocation;
}

export function sendCommand(engine: () => CommandEngine) {
  return async (input: SendCommandRequest, ctx: RequestContext): Promise<SendCommandResult> => {
    const documents = documentsOf(ctx.services);
    if (!documents) throw new SsmError('InvalidDocument', 'The documents capability is not available.');
    const doc = documents.resolveForExecution(ctx, input.DocumentName!, input.DocumentVersion, ['Command']);
    checkHash(input, doc);
    const parameters = input.Parameters ?? {};
    const steps = documents.plan(ctx, doc, parameters);

    const fleet = fleetOf(ctx.services);
    const executor = executorOf(ctx.services);
    const noEngine = (): SsmError => {
      const ids = input.InstanceIds ?? [];
      if (ids.length > 0) return invalidInstances(ids, ctx.accountId, `. ${NO_ENGINE}`);
      return new SsmError('InvalidInstanceId', NO_ENGINE);
    };
    if (!fleet || !executor) throw noEngine();
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
      invocations: instances.map((instance) =>
        newInvocation(instance, steps, refused.has(instance.instanceId), now),
      ),
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
    const view = commandView(command);
    await ctx.persist(wholeCommandRecords(command));
    engine().track({ accountId: ctx.accountId, region: ctx.region, commandId: command.commandId }, instances);
    return { Command: view };
  };
}
