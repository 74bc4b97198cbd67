// aws:runCommand (through Run Command, RUN_COMMAND), aws:changeInstanceState and aws:createImage
// (through the instances capability's MACHINES), as the Automation actions reference describes them.
//
// aws:runCommand sends the command as SendCommand would (the same checks), saves its CommandId as the
// step's checkpoint and waits for it to end: after an emulator restart the step waits for that same
// command again instead of sending another. Stopping the step (StopAutomationExecution, StopStep,
// its timeoutSeconds) cancels the command. Outputs: CommandId, Status, and, when the command ran on
// one instance, Output (the plugins' combined output, as ListCommandInvocations shows it) and,
// when its document has one step, ResponseCode; OutputPayload holds them as JSON, as AWS shows.
// The step fails unless the command's status is Success, with AWS's message.
//
// aws:changeInstanceState starts, stops (Force: at once) or terminates each instance and waits until
// it is in DesiredState; with CheckStateOnly it only waits (polling every POLL_MS of clock time)
// until each is. It has no outputs. Running it again after a restart is harmless (starting a running
// instance or stopping a stopped one changes nothing). A terminated instance never reaches another
// state, so waiting for one fails at once.
//
// aws:createImage images the instance (unless NoReboot, stopping it for the image and starting it
// again, as EC2 does) and answers ImageId and ImageState (available: the image exists when the call
// returns). An emulator restart while it runs fails the step.
import type {
  CloudWatchOutputConfig,
  NotificationConfig,
  SendCommandRequest,
  Target,
} from '@aws-sdk/client-ssm';
import type { Services } from '../../core/capability.js';
import { RUN_COMMAND, type CommandEnded, type RunCommand } from '../../commands/api.js';
import { MACHINES, type MachineLifecycle, type Machines } from '../../instances/api.js';
import { SsmError } from '../../protocol/errors.js';
import { StepFailure, type ActionDefinition, type ActionRun } from '../model.js';

/** How often CheckStateOnly (and a wait after a change) reads the instances' states (clock time). */
export const POLL_MS = 5000;
const DESIRED_STATES = ['running', 'stopped', 'terminated'] as const;
type DesiredState = (typeof DESIRED_STATES)[number];
const TROUBLESHOOTING =
  'Please refer to Automation Service Troubleshooting Guide for more diagnosis details.';

export function instanceActions(services: Services): Record<string, ActionDefinition> {
  const machines = (): Machines => {
    const found = services.registry.find(MACHINES);
    if (!found) throw new StepFailure('This build of ssm-local has no instances to control.', 'Action');
    return found;
  };
  return {
    'aws:runCommand': {
      restart: 'resume',
      validate(inputs) {
        requireInputs('aws:runCommand', inputs, ['DocumentName']);
        if (inputs['InstanceIds'] === undefined && inputs['Targets'] === undefined) {
          throw new Error('Step action aws:runCommand requires input InstanceIds or Targets.');
        }
      },
      run: (run) => runCommand(run, services.registry.get(RUN_COMMAND)),
    },
    'aws:changeInstanceState': {
      restart: 'resume',
      validate(inputs) {
        requireInputs('aws:changeInstanceState', inputs, ['InstanceIds', 'DesiredState']);
        const desired = inputs['DesiredState'];
        if (typeof desired === 'string' && !isVariable(desired) && !isDesiredState(desired)) {
          throw new Error(
            `Step action aws:changeInstanceState input DesiredState must be one of ${DESIRED_STATES.join(', ')}.`,
          );
        }
      },
      run: (run) => changeInstanceState(run, machines()),
    },
    'aws:createImage': {
      restart: 'fail',
      validate(inputs) {
        requireInputs('aws:createImage', inputs, ['InstanceId', 'ImageName']);
      },
      run: (run) => createImage(run, machines()),
    },
  };
}

// ---- aws:runCommand ----

interface RunCommandCheckpoint {
  commandId: string;
}

async function runCommand(run: ActionRun, commands: RunCommand) {
  const { ctx } = run;
  let commandId = (run.checkpoint as RunCommandCheckpoint | undefined)?.commandId;
  if (commandId === undefined) {
    let sent;
    try {
      sent = await commands.send(ctx, sendCommandRequest(run.inputs));
    } catch (error) {
      throw serviceFailure(error, 'AmazonSSM', ctx.requestId);
    }
    commandId = sent.CommandId!;
    await run.saveCheckpoint({ commandId } satisfies RunCommandCheckpoint);
  }
  const ref = { accountId: ctx.accountId, region: ctx.region, commandId };
  let ended: CommandEnded | undefined;
  try {
    ended = await untilAborted(commands.whenEnded(ref), run.signal);
  } catch (error) {
    // Stopped by the user or its timeout: the command stops too. An emulator shutdown leaves it
    // running, for the step to find again after the restart.
    if (run.signal.aborted && run.signal.reason !== 'shutdown') {
      await commands.cancel(ctx, commandId).catch(() => undefined);
    }
    throw error;
  }
  if (!ended) throw new StepFailure(`Command ${commandId} no longer exists.`, 'Action');

  const outputs: Record<string, unknown> = { CommandId: commandId, Status: ended.status };
  const [only] = ended.invocations.length === 1 ? ended.invocations : [];
  if (only && only.plugins.length === 1) outputs['ResponseCode'] = only.plugins[0]!.responseCode;
  if (only) outputs['Output'] = await combinedOutput(run, commandId, only.instanceId);
  // AWS's OutputPayload: the same values as one JSON object, in this order.
  const payload = JSON.stringify({
    Status: outputs['Status'],
    ResponseCode: outputs['ResponseCode'],
    Output: outputs['Output'],
    CommandId: commandId,
  });
  outputs['OutputPayload'] = payload;
  if (ended.status !== 'Success') {
    const fields = [
      `Status=[${ended.status}]`,
      ...(outputs['ResponseCode'] !== undefined ? [`ResponseCode=[${String(outputs['ResponseCode'])}]`] : []),
      ...(outputs['Output'] !== undefined ? [`Output=[${String(outputs['Output'])}]`] : []),
      `OutputPayload=[${payload}]`,
      `CommandId=[${commandId}]`,
    ];
    throw new StepFailure(
      `Step fails when it is verifying the command has completed. Command ${commandId} returns unexpected invocation result: \n{${fields.join(', ')}}. ${TROUBLESHOOTING}`,
      'Action',
      { CommandId: [commandId] },
    );
  }
  return { outputs };
}

/** The invocation's output as ListCommandInvocations (Details) shows it: each plugin's Output. */
async function combinedOutput(run: ActionRun, commandId: string, instanceId: string): Promise<string> {
  const listed = await run.services.operations.call(run.ctx, 'ListCommandInvocations', {
    CommandId: commandId,
    InstanceId: instanceId,
    Details: true,
  });
  const invocations = (listed['CommandInvocations'] ?? []) as Array<{
    CommandPlugins?: Array<{ Output?: string }>;
  }>;
  return (invocations[0]?.CommandPlugins ?? []).map((p) => p.Output ?? '').join('\n');
}

/** SendCommand's request from the step's inputs (the documented subset of its members). */
function sendCommandRequest(inputs: Record<string, unknown>): SendCommandRequest {
  const request: SendCommandRequest = { DocumentName: text(inputs['DocumentName']) ?? '' };
  const instanceIds = inputs['InstanceIds'];
  if (instanceIds !== undefined) request.InstanceIds = stringList(instanceIds);
  if (inputs['Targets'] !== undefined) request.Targets = inputs['Targets'] as Target[];
  if (inputs['Parameters'] !== undefined) request.Parameters = commandParameters(inputs['Parameters']);
  const timeout = inputs['TimeoutSeconds'];
  if (timeout !== undefined) request.TimeoutSeconds = typeof timeout === 'number' ? timeout : Number(timeout);
  for (const key of [
    'Comment',
    'DocumentHash',
    'DocumentVersion',
    'MaxConcurrency',
    'MaxErrors',
    'OutputS3BucketName',
    'OutputS3KeyPrefix',
    'OutputS3Region',
    'ServiceRoleArn',
  ] as const) {
    const value = text(inputs[key]);
    if (value !== undefined) request[key] = value;
  }
  const hashType = text(inputs['DocumentHashType']);
  if (hashType !== undefined) request.DocumentHashType = hashType as SendCommandRequest['DocumentHashType'];
  if (inputs['NotificationConfig'] !== undefined) {
    request.NotificationConfig = inputs['NotificationConfig'] as NotificationConfig;
  }
  const cloudWatch = inputs['CloudWatchOutputConfig'];
  if (cloudWatch !== undefined && cloudWatch !== null && typeof cloudWatch === 'object') {
    const { CloudWatchOutputEnabled: enabled, ...rest } = cloudWatch as Record<string, unknown>;
    request.CloudWatchOutputConfig = {
      ...rest,
      ...(enabled !== undefined ? { CloudWatchOutputEnabled: flag(enabled) } : {}),
    } as CloudWatchOutputConfig;
  }
  return request;
}

/** A document's parameters as SendCommand takes them: each a list of strings. */
function commandParameters(raw: unknown): Record<string, string[]> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new StepFailure('Step action aws:runCommand input Parameters must be a map.', 'Verification');
  }
  return Object.fromEntries(
    Object.entries(raw as Record<string, unknown>).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.flat().map(asText) : [asText(value)],
    ]),
  );
}

// ---- aws:changeInstanceState ----

async function changeInstanceState(run: ActionRun, machines: Machines) {
  const { ctx, inputs } = run;
  const instanceIds = stringList(inputs['InstanceIds']);
  const desired = text(inputs['DesiredState']) ?? '';
  if (!isDesiredState(desired)) {
    throw new StepFailure(
      `Step action aws:changeInstanceState input DesiredState must be one of ${DESIRED_STATES.join(', ')}, not "${desired}".`,
      'Verification',
    );
  }
  const checkOnly = flag(inputs['CheckStateOnly'] ?? false);
  const force = flag(inputs['Force'] ?? false);
  const failOnStopped = flag(inputs['FailOnUnexpectedStopped'] ?? false);
  await Promise.all(
    instanceIds.map(async (instanceId) => {
      if (!checkOnly) {
        try {
          const { accountId, region } = ctx;
          if (desired === 'running') await machines.start(accountId, region, instanceId);
          else if (desired === 'stopped') await machines.stop(accountId, region, instanceId, force);
          else await machines.terminate(accountId, region, instanceId);
        } catch (error) {
          throw serviceFailure(error, 'AmazonEC2', ctx.requestId);
        }
      }
      await waitForState(run, machines, instanceId, desired, !checkOnly && failOnStopped);
    }),
  );
  return { outputs: {} };
}

async function waitForState(
  run: ActionRun,
  machines: Machines,
  instanceId: string,
  desired: DesiredState,
  failOnStopped: boolean,
): Promise<void> {
  for (;;) {
    const state: MachineLifecycle | undefined = await machines.state(
      run.ctx.accountId,
      run.ctx.region,
      instanceId,
    );
    if (state === desired) return;
    if (state === undefined) {
      throw serviceFailure(
        new SsmError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`),
        'AmazonEC2',
        run.ctx.requestId,
      );
    }
    if (state === 'terminated') {
      throw new StepFailure(
        `Instance ${instanceId} is terminated and can never reach the desired state ${desired}.`,
        'Action',
      );
    }
    if (failOnStopped && desired === 'running' && state === 'stopped') {
      throw new StepFailure(
        `Instance ${instanceId} transitioned to the stopped state while it was being started.`,
        'Action',
      );
    }
    await run.sleep(POLL_MS);
  }
}

// ---- aws:createImage ----

async function createImage(run: ActionRun, machines: Machines) {
  const { ctx, inputs } = run;
  const instanceId = text(inputs['InstanceId']) ?? '';
  const description = text(inputs['ImageDescription']);
  let image;
  try {
    image = await untilAborted(
      machines.createImage(ctx.accountId, ctx.region, instanceId, {
        name: text(inputs['ImageName']) ?? '',
        ...(description !== undefined ? { description } : {}),
        noReboot: flag(inputs['NoReboot'] ?? false),
      }),
      run.signal,
    );
  } catch (error) {
    if (run.signal.aborted) throw error;
    throw serviceFailure(error, 'AmazonEC2', ctx.requestId);
  }
  const outputs = { ImageId: image.imageId, ImageState: image.state };
  return { outputs: { ...outputs, OutputPayload: JSON.stringify(outputs) } };
}

// ---- inputs and failures ----

function requireInputs(action: string, inputs: Record<string, unknown>, names: string[]): void {
  for (const name of names) {
    if (inputs[name] === undefined || inputs[name] === null || inputs[name] === '') {
      throw new Error(`Step action ${action} requires input ${name}.`);
    }
  }
}

function isVariable(value: string): boolean {
  return /\{\{.*\}\}/.test(value);
}

function isDesiredState(value: string): value is DesiredState {
  return (DESIRED_STATES as readonly string[]).includes(value);
}

function asText(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

function text(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : asText(value);
}

/** A StringList input: a list (a `{{ StringList }}` inside a list is flattened), or one string. */
function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.flat().map(asText);
  return value === undefined || value === null || value === '' ? [] : [asText(value)];
}

/** A Boolean input: true, or "true" in any case. */
function flag(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/** Resolves as promise does, or rejects once signal aborts (with the abort reason). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`);
}

/**
 * A failed call to a service, as Automation reports one: the service's message with the Java SDK's
 * details (the service, status code, error code and request id).
 */
function serviceFailure(error: unknown, service: 'AmazonSSM' | 'AmazonEC2', requestId: string): Error {
  if (error instanceof StepFailure || !(error instanceof SsmError)) return error as Error;
  return new StepFailure(
    `Step fails when it is Execute/Cancelling action. ${error.message} (Service: ${service}; Status Code: ${error.status}; Error Code: ${error.code}; Request ID: ${requestId}). ${TROUBLESHOOTING}`,
    'Action',
    { ErrorCode: [error.code] },
  );
}
