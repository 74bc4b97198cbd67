// A plugin another capability provides (RunCommand.registerPlugin): it gets the step's inputs and a
// way to run processes in the instance that CancelCommand, the command's expiry and its own timeout
// stop exactly as they stop a script step.
import type { ExecHandle, ExecRequest } from '../docker/executor.js';
import type { PluginStep } from '../documents/api.js';
import type { PluginExec, PluginRun, PluginRunner } from './api.js';
import { errorMessage, failedOutcome, outcome, type StepContext, type StepOutcome } from './step.js';

const DEFAULT_TIMEOUT_SECONDS = 3600;

async function execStoppable(
  sc: StepContext,
  request: ExecRequest,
  timeoutSeconds: number,
): Promise<PluginExec> {
  let handle: ExecHandle;
  try {
    handle = await sc.executor.exec(sc.instance.containerId, request);
  } catch (error) {
    return { exitCode: 1, stdout: '', stderr: errorMessage(error), containerLost: false };
  }
  sc.control.attach(handle);
  let timedOut = false;
  const scheduler = sc.ctx.services.scheduler;
  const timer = scheduler.after(timeoutSeconds * 1000, () => {
    timedOut = true;
    return handle.kill().catch(() => undefined);
  });
  try {
    const result = await handle.result;
    const stopped = sc.control.stopReason ?? (timedOut ? 'timeout' : undefined);
    return stopped ? { ...result, stopped } : result;
  } finally {
    scheduler.cancel(timer);
    sc.control.detach(handle);
  }
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
    exec: (request, timeoutSeconds = DEFAULT_TIMEOUT_SECONDS) => execStoppable(sc, request, timeoutSeconds),
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
