// A plugin another capability provides (RunCommand.registerPlugin): it gets the step's inputs and a
// way to run processes in the instance that CancelCommand, the command's expiry and its own timeout
// stop exactly as they stop a script step.
import type { ExecRequest } from '../docker/executor.js';
import type { PluginStep } from '../documents/api.js';
import type { PluginExec, PluginRun, PluginRunner } from './api.js';
import { execStoppable } from './stoppable-exec.js';
import { errorMessage, failedOutcome, outcome, type StepContext, type StepOutcome } from './step.js';

const DEFAULT_TIMEOUT_SECONDS = 3600;

async function execPlugin(
  sc: StepContext,
  request: ExecRequest,
  timeoutSeconds: number,
): Promise<PluginExec> {
  const run = await execStoppable(sc, request, timeoutSeconds);
  if (!run.started) return { exitCode: 1, stdout: '', stderr: errorMessage(run.error), containerLost: false };
  const stopped = sc.control.stopReason ?? (run.timedOut ? 'timeout' : undefined);
  return stopped ? { ...run.result, stopped } : run.result;
}

export async function runProvidedPlugin(
  sc: StepContext,
  step: PluginStep,
  runner: PluginRunner,
): Promise<StepOutcome> {
  const run: PluginRun = {
    ctx: sc.ctx,
    instance: sc.instance,
    commandId: sc.commandId,
    stepName: step.name,
    inputs: step.inputs,
    directory: sc.directory,
    exec: (request, timeoutSeconds = DEFAULT_TIMEOUT_SECONDS) => execPlugin(sc, request, timeoutSeconds),
    get stopped() {
      return sc.control.stopped;
    },
  };
  try {
    const result = await runner(run);
    return outcome(
      result.status,
      result.statusDetails ?? result.status,
      result.responseCode,
      result.stdout,
      result.stderr,
    );
  } catch (error) {
    return failedOutcome(`${step.action} failed: ${errorMessage(error)}`);
  }
}
