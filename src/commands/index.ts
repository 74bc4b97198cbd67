// Run Command: SendCommand, CancelCommand, GetCommandInvocation, ListCommands and
// ListCommandInvocations, executed for real in the instances' containers (dispatch.ts and the step
// runners for how a step runs, runner.ts for an invocation's steps, engine.ts for delivery,
// concurrency, errors, cancel and expiry), and the Run Command contract of api.ts.
//
// What differs from real SSM:
// - There is no SSM Agent: ssm-local plays the agent's part, running each step through its own
//   small agent in the container (docker/linux/ssm-local-agent.py; one `docker exec` per process for
//   images without python3) the way the SSM Agent runs it (script file, `sh -c`, working directory
//   /usr/bin, exit codes and the agent's error lines). Output becomes visible when a step
//   finishes, not while it runs.
// - Output is not delivered anywhere: OutputS3BucketName/KeyPrefix/Region, CloudWatchOutputConfig,
//   NotificationConfig, ServiceRoleArn and AlarmConfiguration are stored and echoed, but nothing is
//   written to S3 or CloudWatch Logs, no SNS notification is sent, alarms are not polled.
//   StandardOutputUrl / StandardErrorUrl are always empty.
// - Plugins executed: aws:runShellScript, aws:runPowerShellScript (needs /usr/bin/pwsh or
//   /usr/bin/powershell in the instance, else it fails with the agent's error), aws:runDocument and
//   aws:downloadContent of sourceType SSMDocument. Other plugins fail with a message saying so.
// - `exit 194` (and `exit 3010`, which a Linux shell reports as 194) restarts the instance's container
//   when the executor can restart containers, then runs the step again, as the agent does after a
//   reboot; without that ability the step is simply run again. Inside aws:runDocument it is an
//   ordinary failure.
// - Execution timeout and cancel kill the process group and report ResponseCode 137 (the Linux agent's
//   code for a process it stopped); a process killed otherwise (or whose container stopped) reports
//   -1 with "failed to run commands: signal: killed".
// - Targets: InstanceIds, tag:<key> and tag-key (several targets must all match). Resource groups are
//   refused with a ValidationException. Instances found by tag that are offline get an Undeliverable
//   (Status Failed) invocation; instances that go offline before their turn are Delayed and retried
//   every second until the command expires (DeliveryTimedOut). The command expires at ExpiresAfter =
//   RequestedDateTime + TimeoutSeconds (default 3600) + every step's executionTimeout, as AWS
//   documents; whatever has not finished then (running or not) is Delivery Timed Out.
// - A skipped step (precondition, exit condition) reports Status Success with StatusDetails Skipped.
//   A command whose tags reach no instance reports Failed / NoInstancesInTag. Terminated invocations
//   (after MaxErrors) report Status Cancelled. An Incomplete command reports Status Failed.
// - After an emulator restart, invocations that were running are Failed (their stderr says the agent
//   stopped; that line is ssm-local's) and Cancelling ones Cancelled; their processes are not killed.
//   Invocations not yet sent are delivered when the emulator is back. Stopping the emulator does not
//   kill running processes either.
// - With no Docker engine, SendCommand answers InvalidInstanceId with a message saying so.
// - InstanceName (ListCommandInvocations) is the instance's fleet name. TraceOutput is left out.
// - DocumentHashType Sha1 is checked against the SHA-1 of the document's JSON content (only the
//   Sha256 hash of the stored content is kept).
// - ListCommands and ListCommandInvocations list newest commands first; an unknown CommandId is
//   InvalidCommandId for ListCommands and an empty list for ListCommandInvocations.
// - Messages written in AWS's style where AWS's words are not known: the errors for a document hash
//   mismatch, unsupported platform, InstanceIds with Targets (or neither), resource groups, and bad
//   filter values. InvalidCommandId, InvocationDoesNotExist, InvalidPluginName and
//   DuplicateInstanceId have empty messages (their shapes carry none).
import type { Capability, CapabilityStatus, Services } from '../core/capability.js';
import { DOCUMENTS } from '../documents/api.js';
import { EXECUTOR, FLEET } from '../instances/api.js';
import { errors } from '../protocol/errors.js';
import { RUN_COMMAND, type RunCommand } from './api.js';
import { cancel, cancelCommand } from './cancel-command.js';
import { CommandEngine } from './engine.js';
import { getCommandInvocation } from './get-command-invocation.js';
import { listCommandInvocations } from './list-command-invocations.js';
import { listCommands } from './list-commands.js';
import { send, sendCommand } from './send-command.js';

export function commandsCapability(): Capability {
  let engine: CommandEngine | undefined;
  const engineOrFail = (): CommandEngine => {
    if (!engine) throw errors.internal('The commands capability has not started.');
    return engine;
  };
  const runCommand: RunCommand = {
    registerPlugin: (action, runner) => {
      const plugins = engineOrFail().plugins;
      if (plugins.has(action)) throw new Error(`the plugin ${action} is registered twice`);
      plugins.set(action, runner);
    },
    send: (ctx, request) => send(engineOrFail(), ctx, request),
    cancel: (ctx, commandId, instanceIds) => cancel(engineOrFail(), ctx, commandId, instanceIds),
    whenEnded: (ref) => engineOrFail().whenEnded(ref),
    onInvocationEnded: (listener) => engineOrFail().events.onInvocationEnded(listener),
    onCommandEnded: (listener) => engineOrFail().events.onCommandEnded(listener),
  };
  return {
    name: 'commands',
    needs: [DOCUMENTS, FLEET, EXECUTOR],
    provides: [RUN_COMMAND],
    handlers: {
      SendCommand: sendCommand(engineOrFail),
      CancelCommand: cancelCommand(engineOrFail),
      GetCommandInvocation: getCommandInvocation,
      ListCommands: listCommands,
      ListCommandInvocations: listCommandInvocations,
    },
    async start(services: Services) {
      engine = new CommandEngine(services);
      services.registry.provide(RUN_COMMAND, runCommand);
      await engine.recover();
    },
    started() {
      engine?.resume();
    },
    async stop() {
      await engine?.stop();
    },
    status(): CapabilityStatus {
      return engine ? { up: true } : { up: false, detail: 'not started' };
    },
  };
}
