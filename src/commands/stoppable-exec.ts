// One process in the instance that the step's control (CancelCommand, the command's expiry) and an
// execution timeout on the scheduler can stop: what a script step and a provided plugin both run.
import type { ExecHandle, ExecRequest, ExecResult } from '../docker/executor.js';
import type { StepContext } from './step.js';

export type StoppableExec =
  { started: false; error: unknown } | { started: true; result: ExecResult; timedOut: boolean };

/**
 * Starts the request in the step's instance, attached to the step's control, and waits for it; the
 * timeout kills it. A process that could not start answers its error (the caller words it).
 */
export async function execStoppable(
  sc: StepContext,
  request: ExecRequest,
  timeoutSeconds: number,
): Promise<StoppableExec> {
  let handle: ExecHandle;
  try {
    handle = await sc.executor.exec(sc.instance.containerId, request);
  } catch (error) {
    return { started: false, error };
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
    return { started: true, result, timedOut };
  } finally {
    scheduler.cancel(timer);
    sc.control.detach(handle);
  }
}
