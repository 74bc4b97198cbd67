// Runs one invocation's steps in its instance, one after the other, as the agent does: each step's
// start and result are written as they happen, an exit condition skips the steps after it, `exit
// 194` restarts the instance and runs the step again. How the invocation ends (its status) is the
// engine's to set, once this resolves.
import type { Services } from '../core/capability.js';
import { backgroundContext } from '../core/context.js';
import type { InstanceExecutor } from '../docker/executor.js';
import type { ManagedInstance } from '../instances/api.js';
import type { CommandRef, PluginRunner } from './api.js';
import type { InvocationControl } from './control.js';
import { capStderr, capStdout } from './output.js';
import { runStep } from './dispatch.js';
import { applyExitModifiers, skippedByExitCondition } from './preconditions.js';
import {
  failedOutcome,
  ORCHESTRATION_ROOT,
  sanitizeStepName,
  type StepContext,
  type StepOutcome,
} from './step.js';
import type { StoredCommand, StoredInvocation, StoredPlugin } from './state.js';

export interface InvocationRun {
  services: Services;
  ref: CommandRef;
  command: StoredCommand;
  invocation: StoredInvocation;
  instance: ManagedInstance;
  executor: InstanceExecutor;
  control: InvocationControl;
  /** Plugins other capabilities provide, by action. */
  plugins: ReadonlyMap<string, PluginRunner>;
  /** The engine is stopping: leave the invocation as it is (a restart recovers it). */
  isStopped(): boolean;
  /** Writes the invocation. */
  persist(): Promise<void>;
}

/** Runs the steps. True when the invocation is ready to be ended; false when the engine stopped. */
export async function runInvocation(run: InvocationRun): Promise<boolean> {
  const { services, ref, command, invocation, instance, executor, control } = run;
  const now = () => services.clock.now().getTime();
  const commandDirectory = `${ORCHESTRATION_ROOT}/${instance.instanceId}/document/orchestration/${command.commandId}`;
  const base: Omit<StepContext, 'directory'> = {
    ctx: backgroundContext(services, ref.accountId, ref.region, 'SendCommand'),
    executor,
    instance,
    region: ref.region,
    commandId: command.commandId,
    schemaVersion: command.schemaVersion,
    control,
    plugins: run.plugins,
    commandDirectory,
    nested: false,
  };
  const outcomes: StepOutcome[] = [];
  for (let index = 0; index < command.steps.length; index++) {
    const step = command.steps[index]!;
    const plugin = invocation.plugins[index]!;
    if (control.stopped || run.isStopped()) break;
    if (index > 0) {
      // Written with the previous step's result (the first step started with the invocation).
      startPlugin(plugin, now());
      await run.persist();
      if (control.stopped || run.isStopped()) break;
    }
    const skipped = skippedByExitCondition(command.steps, outcomes, index);
    let result: StepOutcome;
    if (skipped) {
      result = skipped;
    } else {
      const directory = `${commandDirectory}/${stepDirectory(command, index)}`;
      result = await runStep({ ...base, directory }, step);
      while (result.rebootRequested && !control.stopped && !run.isStopped()) {
        invocation.reboots = (invocation.reboots ?? 0) + 1;
        const restarted = await reboot(executor, instance);
        result = restarted ?? (await runStep({ ...base, directory }, step));
      }
      result = applyExitModifiers(step, result);
    }
    if (run.isStopped()) return false;
    outcomes.push(result);
    if (plugin.status !== 'InProgress') break; // settled by expiry meanwhile
    recordOutcome(plugin, result, now());
  }
  return !run.isStopped();
}

/** exit 194: the agent reboots the instance and runs the step again once it is back. */
async function reboot(
  executor: InstanceExecutor,
  instance: ManagedInstance,
): Promise<StepOutcome | undefined> {
  if (!executor.restart) return undefined;
  try {
    await executor.restart(instance.containerId);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failedOutcome(`failed to reboot the instance: ${message}`);
  }
}

function stepDirectory(command: StoredCommand, index: number): string {
  const step = command.steps[index]!;
  // Schema 1.2 plugins keep their files under <plugin>/<property id>, 2.x steps under the step name.
  if (command.schemaVersion.startsWith('1.')) {
    const id = typeof step.inputs.id === 'string' ? step.inputs.id : `${index}.${step.action}`;
    return `${sanitizeStepName(step.name)}/${sanitizeStepName(id)}`;
  }
  return sanitizeStepName(step.name);
}

export function startPlugin(plugin: StoredPlugin, now: number): void {
  plugin.status = 'InProgress';
  plugin.statusDetails = 'InProgress';
  plugin.startedAt = now;
}

function recordOutcome(plugin: StoredPlugin, result: StepOutcome, now: number): void {
  plugin.status = result.status;
  plugin.statusDetails = result.statusDetails;
  plugin.responseCode = result.responseCode;
  plugin.stdout = capStdout(result.stdout);
  plugin.stderr = capStderr(result.stderr);
  plugin.finishedAt = now;
}
